"""Command line: ``budgetlint check | clear | rules | inspect``.

Exit codes of ``check``: 0 when nothing at the ``--fail-on`` level, 1 when
findings at it, 2 for usage errors or unreadable input (the other files are
still checked, and annotated when asked).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from budgetlint import __version__
from budgetlint.families import family_name
from budgetlint.findings import Finding, Severity
from budgetlint.results import BatchResult, FileResult
from budgetlint.settings import Settings, SettingsError

log = logging.getLogger("budgetlint")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="budgetlint",
        description="预算绩效表复核：读取自评表，重算执行率和得分，标出不一致的单元格。",
    )
    p.add_argument("--version", action="version", version=f"budgetlint {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log details (English) to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="检查工作簿（文件或文件夹）")
    c.add_argument("paths", nargs="+", help=".xlsx/.xlsm files or folders")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODE",
        help="only these rules (code or prefix)",
    )
    c.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help="skip these rules (code or prefix)",
    )
    c.add_argument("--fail-on", choices=("error", "warning", "note", "never"), default="error")
    c.add_argument("--config", help="budgetlint.toml or pyproject.toml with [tool.budgetlint]")
    c.add_argument(
        "--annotate", metavar="OUTDIR", help="write an annotated copy of each input into OUTDIR"
    )
    c.add_argument(
        "--in-place", action="store_true", help="annotate the inputs themselves (after a backup)"
    )
    c.add_argument(
        "--report", metavar="FILE", help="one report for the batch: .json, .html or .xlsx"
    )
    c.add_argument("-q", "--quiet", action="store_true", help="only the summary line")

    cl = sub.add_parser("clear", help="清除 budgetlint 添加的标注")
    cl.add_argument("paths", nargs="+")
    cl.add_argument(
        "--output", metavar="OUTDIR", help="write cleared copies here instead of in place"
    )

    r = sub.add_parser("rules", help="列出全部规则")
    r.add_argument("--format", choices=("text", "json"), default="text")

    i = sub.add_parser("inspect", help="显示读取到的表格模型（版式、单元格地址）")
    i.add_argument("path")
    i.add_argument("--format", choices=("text", "json"), default="text")
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
    if batch.errors or annotate_failed:
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
    from budgetlint.rules import all_rules

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
    for r in rules:
        print(f"{r.code}  {r.severity.value:<7}  {r.name}  {r.title}")
        for line in r.doc.splitlines():
            print(f"    {line}".rstrip())
        print()
    return EXIT_OK


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
