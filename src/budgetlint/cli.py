"""Command line: ``budgetlint check | clear | rules | inspect``.

Exit codes of ``check``: 0 when nothing at the ``--fail-on`` level, 1 when
findings at it, 2 for usage errors (an unknown rule code, a bad setting),
unreadable input (the other files are still checked, and annotated when asked),
a rule that raised on a form (whatever ``--fail-on`` says: that form was not
fully checked), or an output that could not be written (an annotated copy, the
annotate folder, the report: the findings are printed all the same).

Exit codes of ``clear``: 0 when no file carries budgetlint's annotations any
more (cleared, or there was nothing to clear), 1 when a file still shows
annotations that cannot be undone (re-saved by another program, which lost or
invalidated the record), 2 when a file cannot be read or written.

Where the output goes: stdout carries the findings (text, streamed file by file
in input order as the batch runs, or one JSON document at the end); stderr
carries the progress (a bar on a terminal; ``--progress lines`` for a log), one
``budgetlint: …`` line per problem (unreadable file, rule failure, output not
written) and the closing summary table (unless ``--quiet``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from budgetlint import __version__

# Everything else is imported where a command needs it: `budgetlint --version` and
# `--help` start in the time of the interpreter and argparse.
if TYPE_CHECKING:
    from budgetlint.batch import Job, Outcome
    from budgetlint.findings import Finding
    from budgetlint.results import BatchResult, FileResult
    from budgetlint.rules import Rule
    from budgetlint.settings import Settings


EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
#: ``clear``: annotations remain that cannot be undone (the record was lost by a re-save).
EXIT_NOT_UNDONE = 1
EXIT_INTERRUPTED = 130


class _Formatter(argparse.HelpFormatter):
    """argparse's help with the headings in Chinese."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def _subcommand(
    target: Any, name: str, help_text: str, description: str
) -> argparse.ArgumentParser:
    """A subcommand's parser with the CLI's formatter and Chinese help option."""
    p: argparse.ArgumentParser = target.add_parser(
        name, help=help_text, description=description, add_help=False, formatter_class=_Formatter
    )
    _help(p)
    return p


def _help(p: argparse.ArgumentParser) -> None:
    """Chinese -h/--help and group titles (the parser is made with add_help=False)."""
    p._positionals.title = "位置参数"
    p._optionals.title = "选项"
    p.add_argument("-h", "--help", action="help", help="显示本帮助并退出")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="budgetlint",
        description="预算绩效表复核：读取自评表，重算执行率和得分，标出不一致的单元格。",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(p)
    p.add_argument(
        "--version", action="version", version=f"budgetlint {__version__}", help="显示版本号并退出"
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help="在标准错误输出详细日志（英文），便于排查问题"
    )
    sub = p.add_subparsers(dest="command", required=True, title="命令")

    c = sub.add_parser(
        "check",
        help="检查工作簿（文件或文件夹）",
        description="检查工作簿：退出码 0 无问题，1 有达到 --fail-on 级别的问题，"
        "2 用法或配置错误、文件无法读取、规则执行出错或输出文件（标注副本、报告）无法写出"
        "（此时结果照常输出）。标准输出按输入顺序逐个文件输出结果；标准错误输出进度、"
        "每个问题一行“budgetlint: …”和结束时的汇总表。",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(c)
    c.add_argument("paths", nargs="+", metavar="PATH", help=".xlsx/.xlsm 文件或文件夹")
    c.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式（默认 text）"
    )
    c.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODE",
        help="只运行这些规则（代码或前缀，如 S203、S2；可重复）",
    )
    c.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help="跳过这些规则（代码或前缀；可重复）",
    )
    c.add_argument(
        "--fail-on",
        choices=("error", "warning", "note", "never"),
        default="error",
        help="发现该级别及以上的问题时退出码为 1（默认 error；never 表示从不）",
    )
    c.add_argument(
        "--config",
        metavar="FILE",
        help="配置文件：budgetlint.toml，或含 [tool.budgetlint] 的 pyproject.toml",
    )
    c.add_argument(
        "--annotate",
        metavar="OUTDIR",
        help="把每个输入的标注副本写入 OUTDIR：文件夹中找到的文件保留其相对路径"
        "（收到/区县A/表.xlsx → OUTDIR/区县A/表.xlsx），直接指定的文件放在 OUTDIR 下；"
        "仍然重名时后一个加“ (2)”“ (3)”等后缀",
    )
    c.add_argument(
        "--in-place",
        action="store_true",
        help="直接标注输入文件：先写备份 名称.bak.xlsx（已有则 .bak2、.bak3…），再整体替换",
    )
    c.add_argument(
        "--report",
        metavar="FILE",
        help="为整批文件写一份报告：.json、.html 或 .xlsx（写不出时照常输出结果，退出码 2）",
    )
    c.add_argument(
        "-j",
        "--jobs",
        type=_jobs_arg,
        metavar="N",
        help=f"并行检查的进程数（默认为 CPU 核数，本机 {os.cpu_count() or 1}；1 表示在本进程内逐个检查）",
    )
    c.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="在 Dask 分布式集群上检查（如 tcp://10.0.0.5:8786；需安装 budgetlint[distributed]，"
        "各工作节点装同一版本）；标注和报告仍在本机写出",
    )
    c.add_argument(
        "--progress",
        choices=("auto", "bar", "lines", "none"),
        default="auto",
        help="进度显示（写到标准错误）：bar 终端内一行进度条，lines 每检查完一个文件一行"
        "（适合日志），none 不显示；默认 auto：终端上为 bar，否则为 none"
        "（标准输出已逐个文件输出结果）",
    )
    c.add_argument(
        "--no-recompute",
        action="store_true",
        help="不重算公式单元格：按文件中保存的值检查（无缓存值的公式读作空白，报告 S406；"
        "不检查缓存值是否过期，S407、S408 不报告）；同设置 recompute = false",
    )
    c.add_argument("-q", "--quiet", action="store_true", help="只输出汇总行（不显示进度和汇总表）")

    cl = sub.add_parser(
        "clear",
        help="清除 budgetlint 添加的标注",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(cl)
    cl.add_argument("paths", nargs="+", metavar="PATH", help="已标注的 .xlsx/.xlsm 文件或文件夹")
    cl.description = (
        "清除 budgetlint 添加的标注，恢复原来的内容。退出码：0 已清除或本来就没有标注；"
        "1 文件仍带有无法撤销的标注（被其他程序另存过，标注记录已丢失或不再相符）；"
        "2 文件无法读取或写出。"
    )
    cl.add_argument("--output", metavar="OUTDIR", help="把清除后的副本写入 OUTDIR，不改动原文件")

    r = sub.add_parser(
        "rules",
        help="列出全部规则，或显示指定规则的说明",
        description="不带代码时列出全部规则及其说明；带代码时只显示这些规则的说明页。",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(r)
    r.add_argument("codes", nargs="*", metavar="CODE", help="规则代码，如 S203（可多个）")
    r.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式（默认 text）"
    )

    i = sub.add_parser(
        "inspect",
        help="显示读取到的表格模型（版式、单元格地址）",
        description="显示读取到的表格模型：每张表的版式和各项数值所在的单元格。",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(i)
    i.add_argument("path", metavar="PATH", help=".xlsx/.xlsm 文件")
    i.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式（默认 text）"
    )
    _recompute_parser(sub)
    _templates_parser(sub)
    _addin_parser(sub)
    _lite_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # --version and --help end here, before any import

    import logging

    from budgetlint.settings import SettingsError

    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    _utf8_stdout()
    previous = _terminate_on_sigterm()
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "clear":
            return _clear(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "inspect":
            return _inspect(args)
        if args.command == "recompute":
            return _recompute(args)
        if args.command == "templates":
            return _templates(args)
        if args.command == "addin":
            return _addin(args)
        if args.command == "lite":
            return _lite(args)
    except SettingsError as e:
        print(f"budgetlint: 配置错误：{e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # pragma: no cover - `| head`
        return EXIT_OK
    except KeyboardInterrupt:
        print("\nbudgetlint: 已中断（已写出的文件都是完整的）", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_USAGE  # pragma: no cover


def _jobs_arg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"应为不小于 1 的整数：{text!r}")
    return n


def _terminate_on_sigterm() -> Any:
    """SIGTERM unwinds like Ctrl-C (temporary files are removed); returns the old handler."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None


def _utf8_stdout() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconf = getattr(stream, "reconfigure", None)
        if reconf is not None:
            try:
                reconf(encoding="utf-8")
            except (ValueError, OSError):  # pragma: no cover
                pass


# --- check ---------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    from budgetlint.settings import Settings, codes_text, known_codes, unknown_codes

    if args.annotate and args.in_place:
        print("budgetlint: --annotate 与 --in-place 不能同时使用", file=sys.stderr)
        return EXIT_USAGE
    if args.scheduler and args.jobs is not None:
        print(
            "budgetlint: --jobs 与 --scheduler 不能同时使用（集群上的并行由工作节点决定）",
            file=sys.stderr,
        )
        return EXIT_USAGE
    bad = [
        f"{opt} 中的规则代码未知：{codes_text(unknown)}"
        for opt, codes in (("--select", args.select), ("--ignore", args.ignore))
        if (unknown := unknown_codes(codes))
    ]
    if bad:
        print(
            f"budgetlint: {'；'.join(bad)}；已知代码：{codes_text(known_codes())}", file=sys.stderr
        )
        return EXIT_USAGE
    if args.report:
        from budgetlint.report import check_report_path

        try:
            check_report_path(args.report)
        except ValueError as e:
            print(f"budgetlint: 无法写出报告 {args.report}：{e}", file=sys.stderr)
            return EXIT_USAGE
    settings = Settings.load(args.config)
    settings.select = [*settings.select, *args.select]
    settings.ignore = [*settings.ignore, *args.ignore]
    if getattr(args, "no_recompute", False):
        settings.recompute = False
    return _run_check(args, settings)


def _run_check(args: argparse.Namespace, settings: Settings) -> int:
    from budgetlint.batch import plan
    from budgetlint.outfile import ensure_folder, reason
    from budgetlint.progress import Progress, summary_table
    from budgetlint.report import needs_forms
    from budgetlint.results import BatchResult

    started = time.monotonic()
    problems: list[str] = []  # outputs not written, printed after the findings
    outdir = Path(args.annotate) if args.annotate else None
    if outdir is not None:
        try:
            ensure_folder(outdir)
        except OSError as e:
            problems.append(f"无法创建标注输出文件夹 {outdir}（{reason(e)}），未写出标注副本")
            outdir = None
    annotating = outdir is not None or args.in_place
    jobs = plan(args.paths, outdir, in_place=args.in_place)
    keep_forms = needs_forms(args.report)
    workers = args.jobs if args.jobs is not None else (os.cpu_count() or 1)

    mode = args.progress
    if args.quiet and mode == "auto":
        mode = "none"
    elif mode == "auto":
        mode = "bar" if sys.stderr.isatty() else "none"
    progress = Progress(sys.stderr, [j.path for j in jobs], mode)

    text = args.format == "text"
    batch = BatchResult()
    written = 0
    try:
        order: list[int] = []
        for out in _outcomes(args, jobs, settings, workers, keep_forms, progress):
            batch.files.append(out.result)
            order.append(out.index)
            if out.output_error:
                problems.append(out.output_error)
            elif out.written is not None:
                written += 1
            if text and not args.quiet:
                progress.clear()
                _print_file(out.result, sys.stdout)
                sys.stdout.flush()
                progress.redraw()
    except _ClusterFailed as e:
        progress.close()
        print(f"budgetlint: {e}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        progress.close()
    # A narrative held back to be linked with every file's forms P came last: the JSON and
    # the reports list the files in input order all the same.
    batch.files = [batch.files[i] for i in sorted(range(len(order)), key=order.__getitem__)]

    if args.format == "json":
        import json

        from budgetlint.report.json_report import batch_dict

        print(json.dumps(batch_dict(batch), ensure_ascii=False, indent=2))
    else:
        _print_summary_line(batch, sys.stdout)
    sys.stdout.flush()
    if args.report:
        import logging

        from budgetlint.report import write_report

        log = logging.getLogger("budgetlint")
        try:
            out_path = write_report(args.report, batch)
            log.info("report written to %s", out_path)
        except (ValueError, OSError) as e:
            problems.append(f"无法写出报告 {args.report}（{reason(e)}）；结果见上方输出")
        except Exception as e:  # a bug in a report writer must not lose the error lines
            log.info("report %s failed", args.report, exc_info=True)
            problems.append(
                f"无法写出报告 {args.report}（内部错误 {type(e).__name__}: {e}）；结果见上方输出"
            )
    for fr in batch.errors:
        print(f"budgetlint: {fr.error}", file=sys.stderr)
    for rf in batch.rule_failures:
        print(f"budgetlint: {rf.message}", file=sys.stderr)
    for line in problems:
        print(f"budgetlint: {line}", file=sys.stderr)
    if not args.quiet:
        where = (
            f"集群 {args.scheduler}"
            if args.scheduler
            else (
                "本进程"
                if workers <= 1 or len(jobs) <= 1
                else f"{min(workers, len(jobs))} 个并行进程"
            )
        )
        table = summary_table(
            batch,
            time.monotonic() - started,
            workers=where,
            annotated=written if annotating else None,
            output_errors=sum(1 for p in problems if p.startswith("无法标注")),
        )
        print(table, file=sys.stderr)
    if batch.errors or problems or batch.rule_failures:
        return EXIT_USAGE
    return _exit_for(batch, args.fail_on)


class _ClusterFailed(Exception):
    """The cluster could not be used (the message is budgetlint.distributed's, in Chinese)."""


def _outcomes(
    args: argparse.Namespace,
    jobs: list[Job],
    settings: Settings,
    workers: int,
    keep_forms: bool,
    progress: Any,
) -> Iterator[Outcome]:
    """The jobs' outcomes in input order: on this machine, or on a Dask cluster."""
    from budgetlint.batch import run

    if not args.scheduler:
        yield from run(
            jobs, settings, workers=workers, keep_forms=keep_forms, on_done=progress.finished
        )
        return
    from budgetlint.batch import linked_outcomes

    yield from linked_outcomes(
        _cluster_outcomes(args, jobs, settings, keep_forms, progress), jobs, settings
    )


def _cluster_outcomes(
    args: argparse.Namespace,
    jobs: list[Job],
    settings: Settings,
    keep_forms: bool,
    progress: Any,
) -> Iterator[Outcome]:
    from budgetlint.batch import Outcome, annotate_outcome

    try:
        from budgetlint.distributed import ClusterError, check_on_cluster
    except ImportError as e:  # pragma: no cover - the module ships with budgetlint
        raise _ClusterFailed(f"无法使用 --scheduler（{e}）") from e
    results: Iterator[FileResult] | None = None
    try:
        results = check_on_cluster([j.path for j in jobs], settings, args.scheduler)
        for job in jobs:
            fr = next(results)
            out = Outcome(job.index, job.path, fr)
            annotate_outcome(job, out)  # the files are here: annotate here
            if not keep_forms:
                out.result = fr.slim()
            progress.finished(out)
            yield out
    except ClusterError as e:
        raise _ClusterFailed(str(e)) from e
    except StopIteration as e:  # pragma: no cover - fewer results than files
        raise _ClusterFailed("集群返回的结果少于输入的文件") from e
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # disconnect (and cancel what is still running) however the loop ended


def _exit_for(batch: BatchResult, fail_on: str) -> int:
    from budgetlint.findings import Severity

    if fail_on == "never":
        return EXIT_OK
    level = Severity(fail_on).rank
    if any(f.severity.rank >= level for fr in batch.files for f in fr.active):
        return EXIT_FINDINGS
    return EXIT_OK


def _print_text(batch: BatchResult, out: TextIO, *, quiet: bool = False) -> None:
    for fr in batch.files:
        if not quiet:
            _print_file(fr, out)
    _print_summary_line(batch, out)


def _print_summary_line(batch: BatchResult, out: TextIO) -> None:
    from budgetlint.findings import Severity

    c = batch.counts()
    explained = sum(len(fr.explained) for fr in batch.files)
    from budgetlint.families import FAMILIES

    forms = [s.family for fr in batch.files for s in fr.sheets if s.status == "form"]
    accounts = sum(1 for f in forms if f in FAMILIES and FAMILIES[f].form == "D")
    parts = [f"{len(forms) - accounts} 张自评表"] if len(forms) > accounts or not accounts else []
    sheets = "、".join([*parts, *([f"{accounts} 张决算表"] if accounts else [])])
    unreadable = len(batch.errors)
    line = (
        f"共检查 {len(batch.files)} 个文件、{sheets}：错误 {c[Severity.ERROR]}，"
        f"警告 {c[Severity.WARNING]}，提示 {c[Severity.NOTE]}"
    )
    if explained:
        line += f"，已说明 {explained}"
    if unreadable:
        line += f"；{unreadable} 个文件无法读取"
    failed = len(batch.rule_failures)
    if failed:
        line += f"；规则执行出错 {failed} 次，相关表未检查完整"
    print(line, file=out)


def _print_file(fr: FileResult, out: TextIO) -> None:
    from budgetlint.families import family_name
    from budgetlint.findings import Severity

    print(fr.path, file=out)
    if fr.error:
        print(f"  无法读取：{fr.error}", file=out)
        return
    by_sheet: dict[str, list[Finding]] = {}
    for f in fr.findings:
        by_sheet.setdefault(f.sheet, []).append(f)
    for s in fr.sheets:
        if s.status == "skipped":
            print(f"  [{s.sheet}] 已跳过（{s.reason}）", file=out)
            continue
        if s.status == "unrecognized":
            labels = "、".join(s.labels[:12])
            print(f"  [{s.sheet}] 版式未识别，看到的标签：{labels}", file=out)
            continue
        found = by_sheet.get(s.sheet, [])
        counts = Counter(f.severity for f in found if not f.explained)
        summary = (
            "，".join(f"{sev.label} {counts[sev]}" for sev in Severity if counts[sev])
            or "未发现问题"
        )
        print(f"  [{s.sheet}] 版式：{family_name(s.family)} — {summary}", file=out)
        for f in found:
            cell = f.cell or "—"
            tag = "已说明" if f.explained else f.severity.label
            print(f"    {cell:<6} {f.code} {tag}  {f.message}", file=out)
            detail = []
            if f.expected is not None:
                detail.append(f"应为 {f.expected}")
            if f.actual is not None:
                detail.append(f"实际 {f.actual}")
            if f.computation:
                detail.append(f"计算：{f.computation}")
            if f.explained and f.explanation:
                detail.append(f"说明：{f.explanation}")
            if detail:
                print(f"           {'；'.join(detail)}", file=out)


# --- clear, rules, inspect ----------------------------------------------------------------


def _clear(args: argparse.Namespace) -> int:
    from budgetlint.annotate import AnnotateError, clear
    from budgetlint.batch import plan
    from budgetlint.outfile import ensure_folder, reason

    outdir = Path(args.output) if args.output else None
    if outdir:
        try:
            ensure_folder(outdir)
        except OSError as e:
            print(f"budgetlint: 无法创建输出文件夹 {outdir}（{reason(e)}）", file=sys.stderr)
            return EXIT_USAGE
    status = EXIT_OK
    for job in plan(args.paths, outdir):
        p = job.path
        try:
            stats = clear(p, job.output)
        except (AnnotateError, OSError) as e:
            print(f"budgetlint: 无法清除 {p}：{reason(e)}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        copied = f"（已原样复制到 {job.output}）" if job.output else "，未改动"
        if stats.found:
            print(f"已清除标注：{job.output or p}")
        elif stats.resaved:
            sheet = f"“{stats.leftover_summary}”表、" if stats.leftover_summary else ""
            print(
                f"无法清除 {p}：该文件经 budgetlint 标注后被其他程序另存过，标注记录已丢失或不再相符，"
                f"无法自动撤销；请手动删除{sheet}标色和 budgetlint 批注{copied}"
            )
            status = max(status, EXIT_NOT_UNDONE)
        else:
            print(f"没有可清除的标注：{p}（不是 budgetlint 标注过的文件）{copied}")
    return status


def _rules(args: argparse.Namespace) -> int:
    from budgetlint.results import INTERNAL_CODES
    from budgetlint.rules import REGISTRY, all_rules
    from budgetlint.rules.docs import render_page
    from budgetlint.settings import codes_text, known_codes

    if args.codes:
        unknown = [c for c in args.codes if c not in REGISTRY and c not in INTERNAL_CODES]
        if unknown:
            print(
                f"budgetlint: 未知的规则代码：{codes_text(unknown)}；"
                f"已知代码：{codes_text(known_codes())}",
                file=sys.stderr,
            )
            return EXIT_USAGE
        rules = [REGISTRY[c] if c in REGISTRY else _internal_rule(c) for c in args.codes]
    else:
        rules = all_rules()
    if args.format == "json":
        import json

        print(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "severity": r.severity.value,
                        "title": r.title,
                        "scored_only": r.scored_only,
                        "doc": r.doc,
                    }
                    for r in rules
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print("\n".join(render_page(r) for r in rules), end="")
    return EXIT_OK


def _internal_rule(code: str) -> Rule:
    """An X code as a Rule, for its documentation page (it never runs)."""
    from budgetlint.findings import Severity
    from budgetlint.results import INTERNAL_CODES
    from budgetlint.rules import Rule

    name, title, doc = INTERNAL_CODES[code]
    return Rule(code, name, Severity.ERROR, title, doc, func=lambda form, ctx: None)


def _inspect(args: argparse.Namespace) -> int:
    from budgetlint.forms import read_grid
    from budgetlint.hosts import ReadError, read_workbook
    from budgetlint.inspect import to_json, to_text

    try:
        grid = read_workbook(args.path)
    except ReadError as e:
        print(f"budgetlint: {e}", file=sys.stderr)
        return EXIT_USAGE
    reads = read_grid(grid)
    print(to_json(grid.path, reads) if args.format == "json" else to_text(grid.path, reads))
    return EXIT_OK


# --- recompute ----------------------------------------------------------------------------

#: ``recompute``: some formula cells could not be recomputed (they keep their cached values).
EXIT_NOT_RECOMPUTED = 1


def _recompute_parser(sub: Any) -> None:
    rc = sub.add_parser(
        "recompute",
        help="重算自评表中的公式，把结果写成单元格的缓存值",
        description="不用 Excel，重算自评表中的公式单元格（及其引用的公式），把结果写成单元格的"
        "缓存值，其余内容原样保留。默认写到输入旁的 名称.recomputed.xlsx，不改动输入文件。"
        "退出码：0 全部重算；1 有公式无法重算（循环引用、不支持的函数等，这些单元格保留原值）；"
        "2 用法错误、文件无法读取或无法写出。",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(rc)
    rc.add_argument(
        "path", metavar="FILE", help=".xlsx/.xlsm 文件（--dry-run 时也可为 .xls/.xlsb/.ods）"
    )
    rc.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="写到 OUT（文件，或已有的文件夹），扩展名须与输入相同；默认写到输入旁的 名称.recomputed.xlsx",
    )
    rc.add_argument(
        "--in-place",
        action="store_true",
        help="直接写回输入文件：先写备份 名称.bak.xlsx（已有则 .bak2、.bak3…），再整体替换；没有变化时不改动",
    )
    rc.add_argument("-n", "--dry-run", action="store_true", help="只重算并显示结果，不写文件")
    rc.add_argument(
        "--full-calc-on-load",
        action="store_true",
        help="同时让 Excel 打开文件时完整重算（fullCalcOnLoad）；默认不改动工作簿的计算设置",
    )
    rc.add_argument(
        "--config",
        metavar="FILE",
        help="配置文件：budgetlint.toml，或含 [tool.budgetlint] 的 pyproject.toml",
    )


def _recompute(args: argparse.Namespace) -> int:
    from budgetlint.annotate import AnnotateError
    from budgetlint.grid import address
    from budgetlint.hosts import ReadError
    from budgetlint.recompute import RecomputeError, default_output, recompute_file, summary_lines
    from budgetlint.settings import Settings

    chosen = [
        opt
        for opt, on in (
            ("-o", args.output),
            ("--in-place", args.in_place),
            ("--dry-run", args.dry_run),
        )
        if on
    ]
    if len(chosen) > 1:
        print(f"budgetlint: {' 与 '.join(chosen)} 不能同时使用", file=sys.stderr)
        return EXIT_USAGE
    src = Path(args.path)
    if not src.is_file():
        why = "是文件夹，不是工作簿" if src.is_dir() else "文件不存在"
        print(f"budgetlint: {src}: {why}", file=sys.stderr)
        return EXIT_USAGE
    dst: Path | None = None
    if not (args.in_place or args.dry_run):
        dst = Path(args.output) if args.output else default_output(src)
        if dst.is_dir():
            dst = dst / src.name
        if dst.suffix.lower() != src.suffix.lower():
            print(
                f"budgetlint: 输出文件的扩展名应与输入相同（{src.suffix}）：{dst}", file=sys.stderr
            )
            return EXIT_USAGE
        if dst.exists() and dst.resolve() == src.resolve():
            print(
                f"budgetlint: 输出文件就是输入文件 {src}；要直接写回请用 --in-place（会先写备份）",
                file=sys.stderr,
            )
            return EXIT_USAGE
    settings = Settings.load(args.config)
    try:
        recalc, stats = recompute_file(
            src,
            dst,
            settings=settings,
            in_place=args.in_place,
            full_calc_on_load=args.full_calc_on_load,
        )
    except (ReadError, RecomputeError, AnnotateError) as e:
        print(f"budgetlint: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(src)
    for line in summary_lines(recalc):
        print(f"  {line}")
    if stats is None:
        print("  未写出文件（--dry-run）")
    elif args.in_place and stats.backup is None:
        print("  没有需要更新的缓存值，文件未改动")
    elif args.in_place:
        print(f"  已写回 {src}：更新缓存值 {stats.cells} 个（备份 {stats.backup}）")
    else:
        print(f"  已写出 {stats.output}：更新缓存值 {stats.cells} 个")
    if stats is not None and stats.full_calc_on_load:
        print("  已设置 Excel 打开时完整重算（fullCalcOnLoad）")
    if stats is not None and stats.missing:
        cells = "、".join(f"{s}!{address(r, c)}" for s, r, c in stats.missing[:10])
        print(f"budgetlint: 工作表中找不到这些公式单元格，未写入：{cells}", file=sys.stderr)
    return EXIT_NOT_RECOMPUTED if recalc.problems or recalc.blocked else EXIT_OK


# --- templates ----------------------------------------------------------------------------


def _templates_parser(sub: Any) -> None:
    t = sub.add_parser(
        "templates",
        help="生成部门填报模板",
        description="生成部门填报模板《项目支出绩效自评表》：标准函数版（适用于 WPS、LibreOffice "
        "和未安装加载项的 Excel）和加载项版（用 budgetlint 的 BL_ 函数计算）。",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(t)
    tsub = t.add_subparsers(
        dest="templates_command", required=True, title="命令", help="build：写出模板"
    )
    b = tsub.add_parser(
        "build",
        help="把模板写入文件夹",
        description="把全部模板写入 DIR（文件夹不存在时自动创建，已有同名文件时整体替换）。"
        "退出码：0 已写出；2 无法写出。",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(b)
    b.add_argument("dir", metavar="DIR", help="输出文件夹")


def _templates(args: argparse.Namespace) -> int:
    from budgetlint.build.template_s import write_templates
    from budgetlint.outfile import ensure_folder, reason

    folder = Path(args.dir)
    try:
        ensure_folder(folder)
        written = write_templates(folder)
    except OSError as e:
        print(f"budgetlint: 无法写出模板到 {folder}（{reason(e)}）", file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"已写出模板：{path}")
    return EXIT_OK


# --- addin --------------------------------------------------------------------------------


def _addin_parser(sub: Any) -> None:
    from budgetlint.xlam.command import add_parser

    add_parser(sub, _subcommand)


def _addin(args: argparse.Namespace) -> int:
    from budgetlint.xlam.command import run

    return run(args)


# --- lite ---------------------------------------------------------------------------------


def _lite_parser(sub: Any) -> None:
    from budgetlint.lite.command import add_parser

    add_parser(sub, _subcommand)


def _lite(args: argparse.Namespace) -> int:
    from budgetlint.lite.command import run

    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
