"""Command line: ``budgetlint check | clear | rules | inspect``.

Exit codes of ``check``: 0 when nothing at the ``--fail-on`` level, 1 when
findings at it, 2 for usage errors (an unknown rule code, a bad setting),
unreadable input (the other files are still checked, and annotated when asked)
or a rule that raised on a form (whatever ``--fail-on`` says: that form was not
fully checked).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from budgetlint import __version__
from budgetlint.families import family_name
from budgetlint.findings import Finding, Severity
from budgetlint.results import BatchResult, FileResult
from budgetlint.settings import Settings, SettingsError, codes_text, known_codes, unknown_codes

if TYPE_CHECKING:
    from budgetlint.rules import Rule

log = logging.getLogger("budgetlint")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Formatter(argparse.HelpFormatter):
    """argparse's help with the headings in Chinese."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


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
        "2 用法或配置错误、文件无法读取或规则执行出错。",
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
    c.add_argument("--annotate", metavar="OUTDIR", help="把每个输入的标注副本写入 OUTDIR")
    c.add_argument("--in-place", action="store_true", help="直接标注输入文件（先写备份）")
    c.add_argument("--report", metavar="FILE", help="为整批文件写一份报告：.json、.html 或 .xlsx")
    c.add_argument("-q", "--quiet", action="store_true", help="只输出汇总行")

    cl = sub.add_parser(
        "clear",
        help="清除 budgetlint 添加的标注",
        description="清除 budgetlint 添加的标注，恢复原来的内容。",
        add_help=False,
        formatter_class=_Formatter,
    )
    _help(cl)
    cl.add_argument("paths", nargs="+", metavar="PATH", help="已标注的 .xlsx/.xlsm 文件或文件夹")
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
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    _utf8_stdout()
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "clear":
            return _clear(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "inspect":
            return _inspect(args)
    except SettingsError as e:
        print(f"budgetlint: 配置错误：{e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # pragma: no cover - `| head`
        return EXIT_OK
    return EXIT_USAGE  # pragma: no cover


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
    if args.annotate and args.in_place:
        print("budgetlint: --annotate 与 --in-place 不能同时使用", file=sys.stderr)
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
    settings = Settings.load(args.config)
    settings.select = [*settings.select, *args.select]
    settings.ignore = [*settings.ignore, *args.ignore]
    from budgetlint.checker import check_paths

    progress = _progress_printer(sys.stderr) if not args.quiet and sys.stderr.isatty() else None
    batch = check_paths(args.paths, settings, progress=progress)
    if progress:
        sys.stderr.write("\r\033[K")
    annotate_failed = _annotate(batch, args) if (args.annotate or args.in_place) else 0
    if args.report:
        from budgetlint.report import write_report

        try:
            out = write_report(args.report, batch)
            log.info("report written to %s", out)
        except (ValueError, OSError) as e:
            print(f"budgetlint: 无法写出报告 {args.report}：{e}", file=sys.stderr)
            return EXIT_USAGE
    if args.format == "json":
        from budgetlint.report.json_report import batch_dict

        print(json.dumps(batch_dict(batch), ensure_ascii=False, indent=2))
    else:
        _print_text(batch, sys.stdout, quiet=args.quiet)
    for fr in batch.errors:
        print(f"budgetlint: {fr.error}", file=sys.stderr)
    for rf in batch.rule_failures:
        print(f"budgetlint: {rf.message}", file=sys.stderr)
    if batch.errors or annotate_failed or batch.rule_failures:
        return EXIT_USAGE
    return _exit_for(batch, args.fail_on)


def _exit_for(batch: BatchResult, fail_on: str) -> int:
    if fail_on == "never":
        return EXIT_OK
    level = Severity(fail_on).rank
    if any(f.severity.rank >= level for fr in batch.files for f in fr.active):
        return EXIT_FINDINGS
    return EXIT_OK


def _progress_printer(stream: TextIO) -> Callable[[Path], None]:
    count = [0]

    def show(p: Path) -> None:
        count[0] += 1
        stream.write(f"\r\033[K[{count[0]}] {p.name}")
        stream.flush()

    return show


def _annotate(batch: BatchResult, args: argparse.Namespace) -> int:
    """Annotate each readable input; returns how many could not be annotated."""
    from budgetlint.annotate import AnnotateError, annotate, annotate_in_place

    failed = 0
    outdir = Path(args.annotate) if args.annotate else None
    if outdir:
        outdir.mkdir(parents=True, exist_ok=True)
    for fr in batch.files:
        if fr.error:
            continue
        src = Path(fr.path)
        try:
            if outdir:
                dst = outdir / src.name
                if dst.resolve() == src.resolve():
                    raise AnnotateError(f"{src}: 输出文件夹与输入相同，请改用 --in-place")
                annotate(src, dst, fr.findings)
                log.info("annotated %s -> %s", src, dst)
            else:
                backup = annotate_in_place(src, fr.findings)
                log.info("annotated %s in place (backup %s)", src, backup)
        except (AnnotateError, OSError) as e:
            failed += 1
            print(f"budgetlint: 无法标注 {src}：{e}", file=sys.stderr)
    return failed


def _print_text(batch: BatchResult, out: TextIO, *, quiet: bool = False) -> None:
    for fr in batch.files:
        if not quiet:
            _print_file(fr, out)
    c = batch.counts()
    explained = sum(len(fr.explained) for fr in batch.files)
    sheets = sum(1 for fr in batch.files for s in fr.sheets if s.status == "form")
    unreadable = len(batch.errors)
    line = (
        f"共检查 {len(batch.files)} 个文件、{sheets} 张自评表：错误 {c[Severity.ERROR]}，"
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
    from budgetlint.checker import iter_inputs

    outdir = Path(args.output) if args.output else None
    if outdir:
        outdir.mkdir(parents=True, exist_ok=True)
    status = EXIT_OK
    for p in iter_inputs(args.paths):
        try:
            clear(p, outdir / p.name if outdir else None)
            print(f"已清除标注：{outdir / p.name if outdir else p}")
        except (AnnotateError, OSError) as e:
            print(f"budgetlint: 无法清除 {p}：{e}", file=sys.stderr)
            status = EXIT_USAGE
    return status


def _rules(args: argparse.Namespace) -> int:
    from budgetlint.results import INTERNAL_CODES
    from budgetlint.rules import REGISTRY, all_rules
    from budgetlint.rules.docs import render_page

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
    from budgetlint.results import INTERNAL_CODES
    from budgetlint.rules import Rule

    name, title, doc = INTERNAL_CODES[code]
    return Rule(code, name, Severity.ERROR, title, doc, func=lambda form, ctx: None)


def _inspect(args: argparse.Namespace) -> int:
    from budgetlint.forms.form_s import read_grid
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
