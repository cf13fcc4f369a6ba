"""What the reader made of a workbook: the model of every sheet, with cell addresses.

``budgetlint inspect FILE`` prints this, so a user can check that a strange
layout was understood; the tests state what the reader must produce with it.
"""

from __future__ import annotations

import json
from typing import Any

from budgetlint.families import family_name
from budgetlint.model import Field, FormS, FundRow, Indicator, SheetRead, WeightGroup
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


def sheet_dict(read: SheetRead) -> dict[str, Any]:
    d: dict[str, Any] = {"sheet": read.sheet, "status": read.status, "family": read.family}
    if read.status != "form":
        d["reason"] = read.reason
        d["labels"] = read.labels
    if read.form is not None:
        d["form"] = form_dict(read.form)
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
