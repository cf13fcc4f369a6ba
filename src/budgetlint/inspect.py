"""What the reader made of a workbook: the model of every sheet, with cell addresses.

``budgetlint inspect FILE`` prints this, so a user can check that a strange
layout was understood; the tests state what the reader must produce with it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from budgetlint.families import family_name
from budgetlint.grid import CellRef
from budgetlint.model import Field, FormBase, FormS, FundRow, Indicator, SheetRead, WeightGroup
from budgetlint.model_d import DTable, NarrativePart
from budgetlint.model_p import MATRIX_COLUMNS, MATRIX_ROWS, FormP
from budgetlint.values import Value

_FUND_LABEL = {
    "total": "年度资金总额",
    "fiscal": "财政拨款",
    "carryover": "上年结转",
    "special": "财政专户",
    "unit": "单位资金",
    "other": "其他资金",
}


def _val(v: Any) -> Any:
    if isinstance(v, Value):
        d: dict[str, Any] = {"kind": v.kind.value, "text": v.text}
        for k in ("op", "number", "unit", "upper", "upper_op", "word"):
            x = getattr(v, k)
            if x not in (None, ""):
                d[k] = x
        if v.date is not None:
            d["date"] = v.date.isoformat()
            d["deadline"] = v.deadline
        return d
    return v


def field_dict(f: Field[Any] | None) -> dict[str, Any] | None:
    if f is None:
        return None
    return {"cell": f.cell or None, "text": f.text, "value": _val(f.value)}


def _fund_row(r: FundRow) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "label": field_dict(r.label),
        **{
            k: field_dict(getattr(r, k))
            for k in ("initial", "budget", "executed", "weight", "rate", "score", "reason")
            if getattr(r, k) is not None
        },
    }


def _indicator(i: Indicator) -> dict[str, Any]:
    return {
        "row": i.row,
        "level1": field_dict(i.level1),
        "level2": field_dict(i.level2),
        "name": field_dict(i.name),
        "target": field_dict(i.target),
        "actual": field_dict(i.actual),
        "weight": field_dict(i.weight),
        "weight_source": i.weight_source,
        "weight_label": field_dict(i.weight_label),
        "weight_from": weight_from(i),
        "score": field_dict(i.score),
        "reason": field_dict(i.reason),
    }


def weight_from(i: Indicator) -> str:
    """Where an indicator's weight came from, in words (分值栏 / 名称 / 等分 / 未列)."""
    if i.weight_source == "equal":
        label = i.weight_label.text if i.weight_label is not None else ""
        cell = (
            f"@{i.weight_label.cell}" if i.weight_label is not None and i.weight_label.cell else ""
        )
        return f"等分“{label}”{cell}的分值"
    if i.weight_source == "name":
        return f"指标名称中的分值@{i.name.cell}" if i.name.cell else "指标名称中的分值"
    if i.weight_source == "unknown" or i.weight is None or i.weight.value is None:
        return "表中未列分值（未知）"
    return f"分值栏@{i.weight.cell}" if i.weight.cell else "分值栏"


def _group(g: WeightGroup) -> dict[str, Any]:
    return {
        "label": field_dict(g.label),
        "level": g.level,
        "weight": field_dict(g.weight),
        "members": [i.row for i in g.members],
        "split": g.split,
    }


def form_dict(form: FormS) -> dict[str, Any]:
    fund = form.fund
    return {
        "sheet": form.sheet,
        "family": form.family,
        "family_name": family_name(form.family),
        "project": field_dict(form.project),
        "amount": field_dict(form.amount),
        "department": field_dict(form.department),
        "unit_name": field_dict(form.unit_name),
        "fund": None
        if fund is None
        else {
            "unit": fund.unit,
            "weight": fund.weight,
            "rate_percent": fund.rate_percent,
            "rows": [_fund_row(r) for r in fund.rows],
        },
        "level1_weights": {k: field_dict(v) for k, v in form.level1_weights.items()},
        "indicator_block_weight": field_dict(form.indicator_block_weight),
        "weight_groups": [_group(g) for g in form.weight_groups],
        "indicators": [_indicator(i) for i in form.indicators],
        "total_weight": field_dict(form.total_weight),
        "total_score": field_dict(form.total_score),
        "grade": field_dict(form.grade),
        "texts": {k: field_dict(v) for k, v in form.texts.items()},
        "skipped_rows": form.skipped_rows,
    }


_SKIPPED_FIELDS = frozenset(
    {"uncached_formulas", "unrecomputed_formulas", "recomputed_formulas", "stale_formulas"}
)


def _plain(obj: Any) -> Any:
    """A model object (form P, a part of form D) as JSON data: every field with its cell."""
    if isinstance(obj, Field):
        return field_dict(obj)
    if isinstance(obj, CellRef):
        return obj.address
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _plain(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.name not in _SKIPPED_FIELDS
        }
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return _val(obj)


def sheet_dict(read: SheetRead) -> dict[str, Any]:
    d: dict[str, Any] = {"sheet": read.sheet, "status": read.status, "family": read.family}
    if read.status != "form":
        d["reason"] = read.reason
        d["labels"] = read.labels
    if isinstance(read.form, FormS):
        d["form"] = form_dict(read.form)
    elif read.form is not None:
        d["form_kind"] = read.form.kind
        d["form"] = {"family_name": family_name(read.form.family), **_plain(read.form)}
    return d


def to_json(path: str, reads: list[SheetRead]) -> str:
    return json.dumps(
        {"file": path, "sheets": [sheet_dict(r) for r in reads]}, ensure_ascii=False, indent=2
    )


def _c(f: Field[Any] | None) -> str:
    if f is None:
        return "（无此列）"
    t = f.text.replace("\n", " ")
    if len(t) > 24:
        t = t[:23] + "…"
    return f"{t or '（空）'}@{f.cell}" if f.cell else (t or "（空）")


def to_text(path: str, reads: list[SheetRead]) -> str:
    """A readable dump in Chinese, one block per sheet."""
    out = [path]
    for r in reads:
        if r.status == "skipped":
            out.append(f"  [{r.sheet}] 已跳过：{r.reason}")
            continue
        if r.status == "unrecognized":
            out.append(f"  [{r.sheet}] {r.reason}；看到的标签：{'、'.join(r.labels[:15])}")
            continue
        f = r.form
        assert f is not None
        out.append(f"  [{r.sheet}] 版式：{family_name(f.family)}（{f.family}）")
        if not isinstance(f, FormS):
            out.extend(_other_text(f))
            continue
        out.append(f"    项目：{_c(f.project)}  金额：{_c(f.amount)}")
        if f.fund is not None:
            w = f"，分值 {f.fund.weight:g}" if f.fund.weight is not None else ""
            out.append(f"    资金（单位 {f.fund.unit}{w}）：")
            for row in f.fund.rows:
                out.append(
                    f"      {_FUND_LABEL.get(row.kind, row.kind)}: 年初 {_c(row.initial)}  预算 {_c(row.budget)}  "
                    f"执行 {_c(row.executed)}  分值 {_c(row.weight)}  执行率 {_c(row.rate)}  得分 {_c(row.score)}"
                )
        if f.level1_weights:
            out.append(
                "    一级指标分值："
                + "，".join(
                    f"{k} {v.value:g}" for k, v in f.level1_weights.items() if v.value is not None
                )
            )
        for g in f.weight_groups:
            w = g.weight.value
            out.append(
                f"    分值标签：{g.name}@{g.label.cell}（{g.level}）{w:g} 分，含 {len(g.members)} 项"
                + ("，按等分计" if g.split else "")
                if w is not None
                else f"    分值标签：{g.name}@{g.label.cell}（{g.level}）"
            )
        out.append(f"    指标（{len(f.indicators)} 项）：")
        for i in f.indicators:
            kind = i.target.value.kind.value if isinstance(i.target.value, Value) else "?"
            lv = "/".join(x.value or "" for x in (i.level1, i.level2) if x is not None)
            out.append(
                f"      {lv} {_c(i.name)} 目标 {_c(i.target)}[{kind}] 实际 {_c(i.actual)} "
                f"分值 {_c(i.weight)}（{weight_from(i)}） 得分 {_c(i.score)}"
            )
        out.append(
            f"    总分：分值 {_c(f.total_weight)} 得分 {_c(f.total_score)}  等级 {_c(f.grade)}"
        )
        if f.skipped_rows:
            out.append(f"    跳过的模板行：{', '.join(map(str, f.skipped_rows))}")
    return "\n".join(out)


def _other_text(f: FormBase) -> list[str]:
    """The text dump of a form P or a part of form D."""
    out: list[str] = []
    if isinstance(f, FormP):
        out.append(f"    项目：{f.project or '（无）'}  标题：{_c(f.title)}")
        if f.matrix is not None:
            out.append(f"    资金安排情况（单位 {f.matrix.unit}）：")
            for key, row in f.matrix.rows.items():
                cells = "  ".join(
                    f"{MATRIX_COLUMNS[c]} {_c(row.cells[c])}"
                    for c in MATRIX_COLUMNS
                    if c in row.cells
                )
                out.append(f"      {''.join(MATRIX_ROWS[key])}: {cells}")
        if f.use is not None:
            out.append(f"    资金使用情况（{len(f.use.rows)} 行）：")
            for u in f.use.rows:
                out.append(
                    f"      {_c(u.label)} 合计 {_c(u.total)} 财政 {_c(u.fiscal)} 其他 {_c(u.other)}"
                    f" 专款专用 {_c(u.earmarked)}"
                )
        sc = f.scorecard
        if sc is not None:
            out.append(f"    评分表（{len(sc.items)} 项三级指标）：")
            for l1 in sc.level1:
                out.append(f"      一级 {_c(l1.label)} 权重 {_c(l1.weight)}")
                for item in l1.items:
                    out.append(f"          {_item_text(item)}")
                for sub in l1.subtotals:
                    out.append(f"        二级 {sub.name or '（未列名称）'} 权重 {_c(sub.weight)}")
                    for item in sub.items:
                        out.append(f"          {_item_text(item)}")
            out.append(
                f"    总计：权重 {_c(sc.total_weight)} 得分 {_c(sc.total_score)}  等级 {_c(sc.grade)}"
            )
    elif isinstance(f, DTable):
        out.append(f"    {f.name}（单位 {f.unit}，{len(f.rows)} 行）")
        for row in f.rows:
            vals = "  ".join(f"{k} {_c(v)}" for k, v in row.values.items())
            side = {"income": "收入 ", "expenditure": "支出 "}.get(row.side, "")
            out.append(f"      {side}{row.key} {_c(row.label)}: {vals}")
    elif isinstance(f, NarrativePart) and f.narrative is not None:
        n = f.narrative
        out.append(
            f"    情况说明：{len(n.paragraphs)} 段，引用数字 {len(n.figures)} 个，"
            f"项目绩效自评综述 {len(n.summaries)} 个"
        )
        for s in n.summaries:
            parts = [
                f"{what} {fig.text}"
                for what, fig in (
                    ("得分", s.score),
                    ("预算", s.budget),
                    ("执行", s.executed),
                    ("执行率", s.rate),
                )
                if fig is not None
            ]
            where = f"@{s.ref.address}" if s.ref is not None else ""
            out.append(f"      ({s.number}) {s.name}{where}: {'，'.join(parts)}")
    return out


def _item_text(item: Any) -> str:
    kind = (
        item.target.value.kind.value
        if item.target is not None and isinstance(item.target.value, Value)
        else "?"
    )
    return (
        f"{_c(item.name)} 权重 {_c(item.weight)} 目标 {_c(item.target)}[{kind}] 业绩 {_c(item.actual)}"
        f" 得分 {_c(item.score)}"
    )
