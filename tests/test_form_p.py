"""The form-P reader (项目绩效情况自评表) on sheets transcribed from seed 002, and on variants.

The two sheets below are 附件1-1 and 附件1-17 of the 2019 部门决算 of 中共深圳市委政法委员会,
transcribed cell by cell (gridtext notation) as a workbook pasted from the printed PDF:
the scorecard's header is repeated at each page break, a 评分标准 continues on the row after
a page break, a 三级 name is cut in two (``执法检查工作完成`` / ``率``).  附件1-1's headers
are merged; 附件1-17's are not (a paste without merges).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from budgetlint.forms.cells import read_recomputed
from budgetlint.forms.form_p import is_form_p, level1_key, read_sheet_p
from budgetlint.forms.form_s import sheet_labels
from budgetlint.grid import Grid, Sheet
from budgetlint.gridtext import parse
from budgetlint.model import FormS
from budgetlint.model_p import MATRIX_COLUMNS, MATRIX_ROWS, FormP
from budgetlint.values import Kind

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_P = ROOT / "examples" / "中共深圳市委政法委员会_2019_项目绩效情况自评表.xlsx"

#: 附件1-1 (seed 002, lines 522–644): merged two-row headers.
P1_1 = """\
附件 1-1
研究（执法督查）业务（新）项目绩效情况自评表
一、项目概况
（一）项目背景
根据部门职能要求，开展执法、司法监督，督查协调支持政法各单位依法独立行使职权，检查督查政法各单位的执法情况；协调国家安全、重大外交及涉稳重大案件；协调督办市委和上级部门交办的重大疑难复杂案件等工作。
（二）项目内容
政法宣传工作和执法监督协调工作。
（三）项目范围
深圳市范围内的执法工作和案件进行评查。
(四) 组织架构
项目主管单位：中共深圳市委政法委员会(机关);
项目实施部门：中共深圳市委政法委员会(机关)研究室和执法监督协调室。
二、资金安排和使用情况
(一) 资金安排情况
项目 | 行次 | 合计 | 财政资金 | > | > | > | > | 其他资金 | > | > | >
^ | ^ | ^ | 小计 | 中央级 | 省级 | 市级 | 区县转移 | 小计 | 单位自有 | 银行贷款等 | 社会资本
预算安排 | (1) | 3856800 | 3856800 | 0 | 0 | 3856800 | 0 | 0 | 0 | 0 | 0
项目实际投入 | (2) | 3856800 | 3856800 | 0 | 0 | 3856800 | 0 | 0 | 0 | 0 | 0
资金到位 | (3) | 3856800 | 3856800 | 0 | 0 | 3856800 | 0 | 0 | 0 | 0 | 0
实际支出 | (4) | 3856800 | 3856800 | 0 | 0 | 3856800 | 0 | 0 | 0 | 0 | 0
资金结余 | (5) = (3) - (4) | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0
预算执行率 (%) | (6) = (4) / (1) | 100 | 100 | 0 | 0 | 100 | 0 | 0 | 0 | 0 | 0
资金到位率 (%) | (7) = (3) / (1) | 100 | 100 | 0 | 0 | 100 | 0 | 0 | 0 | 0 | 0
资金实际支出率 (%) | (8) = (4) / (3) | 100 | 100 | 0 | 0 | 100 | 0 | 0 | 0 | 0 | 0
(二) 资金使用情况
项目支出内容 | 实际支出数 | > | > | 财政资金专款专用数
^ | 合计 | 财政资金支出数 | 其他资金支出数 | ^
合计 | 3856800 | 3856800 | 0 | 3856800
研究（执法监督）业务 | 3856800 | 3856800 |  | 3856800
三、项目自评价评分表
项目自评价评分表
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
投入和管理目标 |  | 25
 |  | 2.27
 | 项目预算金额 | 2.27 | 385.68万元 | 385.68万元 | 2.27 | 业绩值达到目标值的0-100%范围内得满分，当业绩值高于目标值范围时，每高于1%，扣权重分的1%。
 |  | 6.81
 | 预算编制合理性 | 2.27 | 合理 | 合理 | 2.27 | 1. 有相应的法律法规、文件要求、规划依据、会议决议、事业发展需求以及支撑项目立项的其他资料等得满分； 2. 项目预算编制没有明确依据，不得分。
 | 预算资金到位情况 | 2.27 | 足额到位 | 足额到位 | 2.27 | 资金到位率 = (实际到位资金/预算资金) × 100%。 实际到位资金：一定时期（本年度或项目期）内落实到具体项目的资金。 预算资金：
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 |  |  |  |  |  | 一定时期（本年度或项目期）内预算安排到具体项目的资金。
 | 预算执行率 | 2.27 | 100% | 100% | 2.27 | 预算执行率 = (实际支出资金/实际到位资金) × 100%。实际支出资金：一定时期（本年度或项目期）内项目实际拨付的资金。
 |  | 6.81
 | 财务管理制度健全性 | 2.27 | 健全 | 健全 | 2.27 | 1. 已制定或具有相应的财务管理制度，得权重分的50%； 2. 财务管理制度合法、合规、完整，得权重分的50%；（该指标累计得分）
 | 财务监控有效性 | 2.27 | 有效 | 有效 | 2.27 | 1. 建立有效财务管理监控机制，且执行情况良好，得权重分的50%； 2. 项目采取了相应的财务检查或其他必要的监控措施或手段，得权重分的50%；（该指标累计得分）
 | 资金使用规范性 | 2.27 | 合规 | 合规 | 2.27 | 1. 符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定，得权重分的50%； 2. 资金的拨付是否有完整的审批程序和手续，符合项目预算批复或合同规定的用途，得权重分的25%； 3. 发生超范围、超标准支出，虚列支出，截留、挤占、挪用资金的，该项指标得0分。（该指标累计得分）
 |  | 9.11
 | 项目管理制度健全性 | 2.27 | 健全 | 健全 | 2.27 | 1. 建立了完备的项目管理制度，得权重分的50%； 2. 有关制度对项目提出明确的质量要求或标准，得权重分的50%；（该指标累计得分）
 | 政府采购规范性 | 2.27 | 合规 | 合规 | 2.27 | 1. 按照政府采购管理制度有效执行，得满分； 2. 未按制度执行或存在明显不符情况的，不得分。
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 | 合同管理完备性 | 2.27 | 完备 | 完备 | 2.27 | 1. 合同管理制度健全且执行到位，得权重分的50%； 2. 相关合同资料齐全并及时归档，得权重分的50%； （该指标累计得分）
 | 项目质量可控性 | 2.3 | 可控 | 可控 | 2.3 | 1. 项目质量可控且执行到位，得权重分的50%； 2. 相关合同资料齐全并及时归档，得权重分的50%； （该指标累计得分）
 |  | 0
产出目标 |  | 30
 |  | 14.22
 | 专题汇报片数量 | 1.58 | 1部 | 0部 | 0.0 | 专题汇报片完成率 = (实际专题汇报片数量/计划专题汇报片数量) *100%*权重分
 | 纸媒版面推出版数 | 1.58 | 50版 | 60版 | 1.58 | 纸媒版面推出版完成率 = (实际纸媒版面推出版数量/计划纸媒版面推出版数量) *100%*权重分
 | 宣传册印刷数量 | 1.58 | 3册 | 3册 | 1.58 | 宣传册印刷完成率 = (实际宣传册印刷数量/计划宣传册印刷数量) *100%*权重分
 | “深圳政法舆情”周报数量 | 1.58 | 150期 | 263期 (日报191期、周报38期、专报34期) | 1.58 | “深圳政法舆情”周报完成率 = (实际“深圳政法舆情”周报出版数量/计划“深圳政法舆情”周报出版数量) *100%*权重分
 | 执法检查工作完成 | 1.58 | 100% | 100% | 1.58 | 执法检查完成率 = (实际完成执法检查数量/计划完成执法检查数量) *100%*权重分
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 | 率
 | 案件评查工作完成率 | 1.58 | 100% | 100% | 1.58 | 案件评查工作完成率 = (实际案件评查工作完成数量/计划案件评查工作完成数量) *100%*权重分
 | 微信公众号内容更新次数 | 1.58 | 60次 | 146次 | 1.58 | 微信公众号内容更新次数完成率 = (实际更新次数/计划更新次数) *100%*权重分
 | 社工到岗人数 | 1.58 | 2人 | 2人 | 1.58 | 社工到岗人数完成率 = (实际到岗社工数量/计划到岗社工数量) *100%*权重分
 | 政法网运维工作完成率 | 1.58 | 100% | 100% | 1.58 | 政法网运维工作完成率 = (实际政法网运维工作完成数量/计划政法网运维工作完成数量) *100%*权重分
 |  | 6.32
 | 印刷质量合格率 | 1.58 | 100% | 100% | 1.58 | 印刷质量合格率 = (实际印刷质量合格数量/计划印刷质量总量) *100%*权重分
 | 执法检查覆盖率 | 1.58 | 100% | 100% | 1.58 | 执法检查覆盖率 = (实际执法检查覆盖数量/计划执法检查覆盖数量) *100%*权重分
 | 微信公众号内容更新错误率 | 1.58 | 0% | 0% | 1.58 | 微信公众号内容更新错误率为0%得满分，否则不得分。
 | 政法网正常运行率 | 1.58 | 95% | 95% | 1.58 | 政法网正常运行率 = (实际政法网正常运行数量/计划政法网正常运行数量) *100%*权重分
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 |  | 9.46
 | 印刷工作开展及时率 | 1.58 | 100% | 100% | 1.58 | 印刷工作开展及时率 = (及时印刷工作开展数/计划印刷工作开展数) *100%*权重分
 | 执法检查完成及时性 | 1.58 | 2019年12月31日前 | 2019年12月31日前 | 1.58 | 执法检查完成及时率 = (及时执法检查完成数/计划执法检查完成数) *100%*权重分
 | 案件评查完成及时性 | 1.58 | 2019年12月31日前 | 2019年12月31日前 | 1.58 | 案件评查完成及时率 = (及时案件评查完成数/计划案件评查完成数) *100%*权重分
 | 微信公众号更新完成及时性 | 1.58 | 2019年12月31日前 | 2019年12月31日前 | 1.58 | 微信公众号更新完成及时率 = (及时微信公众号更新完成数/计划微信公众号更新完成数) *100%*权重分
 | 社工到岗及时性 | 1.58 | 2019年8月31日前 | 2019年8月31日前 | 1.58 | 社工到岗及时率 = (及时社工到岗数/计划社工到岗数) *100%*权重分
 | 系统故障运维及时率 | 1.56 | 100% | 100% | 1.56 | 系统故障运维及时率 = (及时系统故障运维数/计划系统故障运维数) *100%*权重分
效果目标 |  | 35
 |  | 23.34
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 | 有效规范办案全流程 | 11.67 | 有效 | 有效 | 11.67 | ①项目效益完全达到预期目标值，得11.67分；②项目效益达到预期目标值的80%—99%，得8.75分；③项目效益达到预期目标值的50%—79%，得5.83分；④项目效益完全达到预期目标值20%—49%，得3分。⑤项目效益完全达到预期目标值0%—19%，得0分。
 | 政法宣传群众知晓度 | 11.67 | 85% | 85% | 11.67 | 此项指标以知晓度达85%及以上得满分，每降低1%，减少权重分的4%，低于60%不得分， y = 权重分 - (85% - x) * 4% * 权重分 ；其中y为得分， 0 ≤ y ≤ 权重分 ，x为实际业绩值， 0.6 ≤ x ≤ 0.85 。其中：85%为目标值； 4% = 100 / (85 - 60) * 100%
 |  | 11.66
 | 社会群众满意度 | 11.66 | ≥90% | 90% | 11.66 | 此项指标以满意度达90%及以上得满分，每降低1%，减少权重分的3.33%，低于60%不得分， y = 权重分 - (90% - x) * 3.33% * 权重分 ；其中y为得分， 0 ≤ y ≤ 权重分 ，x为实际业绩值， 0.6 ≤ x ≤ 0.9 。其中：90%为目标值； 3.33% = 100 / (90 - 60) * 100%
影响力目标 |  | 10
 |  | 2.5
 | 长效管理制度健全性 | 2.5 | 健全 | 健全 | 2.5 | 1. 该指标主要考察项目的长效管理机制建设情况，部门现有政策制度、管理措施，有管理和创新的内容和机制，得权重分的50%；2. 按照长效管理制度有效执行，得权重分的50%。（该指标得分累计）
 |  | 2.5
 | 人员到位率 | 2.5 | 100% | 100% | 2.5 | 该指标主要考察人员到位的情况。人员到位率 = 实际到位人数 / 应到位人数 * 100%。此项指标以100%为满分。
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 |  | 2.5
 | 沟通协调机制健全性 | 2.5 | 健全 | 健全 | 2.5 | 1. 建立完善的项目沟通协调机制且有效执行，得满分； 2. 已建立完善的项目沟通机制但未得到有效执行，得权重分的50%； 3. 未建立沟通协调机制，不得分。
 |  | 2.5
 | 配套设施完备性 | 2.5 | 完备 | 完备 | 2.5 | 1. 配套设施保障充分、合理，得满分； 2. 配套设施保障不充分且影响项目，得权重分的50%； 3. 配套设施保障明显超出必要范围，不得分。
总计 |  | 100 |  |  | 98.42
评价等级 |  | 0 |  |  | 优秀
"""

#: 附件1-17 法制学校管理（新） (seed 002, lines 2355–2479): the same form pasted without merges.
P1_17 = """\
附件 1-17
法制学校管理（新）项目绩效情况自评表
一、项目概况
（一）项目背景
为了维护国家安全，维护人民群众切身利益，维护社会和谐稳定，按照市委政法委工作安排的要求，高度重视反邪教工作，将反邪教工作作为维护国家安全的硬任务，摆到重要位置；把警示教育宣传工作做到前面；严格按照是为政法委的要求，精心组织开展无邪教示范创建工作，夯实反邪教基层基础。
（五）项目内容
一是推进教育转化工作中心向基层下沉向社会延伸，形成体制内外合力推动的机制。二是推进创建无邪教示范波浪式发展，持续夯实和深化以街道为中心的基层反邪教基础及机制。三是推进依法治理邪教，运用法治思维法治方式化解难题。
（三）项目范围
防范邪教工作面向全市，防范和处理邪教有利于维护深圳市的社会稳定。
(四) 组织架构
主管单位：中共深圳市委政法委员会 实施部门：法制学校。
二、资金安排和使用情况
(一) 资金安排情况
项目 | 行次 | 合计 | 财政资金 |  |  |  |  | 其他资金
 |  |  | 小计 | 中央级 | 省级 | 市级 | 区县转移 | 小计 | 单位自有 | 银行贷款等 | 社会资本
预算安排 | (1) | 615987.14 | 615987.14 | 0 | 0 | 615987.14 | 0 | 0 | 0 | 0 | 0
项目实际投入 | (2) | 615987.14 | 615987.14 | 0 | 0 | 615987.14 | 0 | 0 | 0 | 0 | 0
资金到位 | (3) | 615987.14 | 615987.14 | 0 | 0 | 615987.14 | 0 | 0 | 0 | 0 | 0
实际支出 | (4) | 334887.14 | 334887.14 | 0 | 0 | 334887.14 | 0 | 0 | 0 | 0 | 0
资金结余 | (5) = (3) - (4) | 281100 | 281100 | 0 | 0 | 281100 | 0 | 0 | 0 | 0 | 0
预算执行率 (%) | (6) = (4) / (1) | 54.37 | 54.37 | 0 | 0 | 54.37 | 0 | 0 | 0 | 0 | 0
资金到位率 (%) | (7) = (3) / (1) | 100 | 100 | 0 | 0 | 100 | 0 | 0 | 0 | 0 | 0
资金实际支出率 (%) | (8) = (4) / (3) | 54.37 | 54.37 | 0 | 0 | 54.37 | 0 | 0 | 0 | 0 | 0
(二) 资金使用情况
项目支出内容 | 实际支出数 |  |  | 财政资金专款专用数
 | 合计 | 财政资金支出数 | 其他资金支出数
合计 | 334887.14 | 334887.14 | 0 | 334887.14
法制学校管理 | 334887.14 | 334887.14 |  | 334887.14
三、项目自评价评分表
项目自评价评分表
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
投入和管理目标 |  | 25
 |  | 2.27
 | 项目预算金额 | 2.27 | 61.60万元 | 61.60万元 | 2.27 | 业绩值达到目标值的0-100%范围内得满分,当业绩值高于目标值范围时,每高于1%,扣权重分的1%。
 |  | 6.81
 | 预算编制合理性 | 2.27 | 合理 | 合理 | 2.27 | 1. 有相应的法律法规、文件要求、规划依据、会议决议、事业发展需求以及支撑项目立项的其他资料等得满分; 2. 项目预算编制没有
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 |  |  |  |  |  | 明确依据，不得分。
 | 预算资金到位情况 | 2.27 | 足额到位 | 足额到位 | 2.27 | 资金到位率 = (实际到位资金/预算资金) × 100%。实际到位资金：一定时期（本年度或项目期）内落实到具体项目的资金。预算资金：一定时期（本年度或项目期）内预算安排到具体项目的资金。
 | 预算执行率 | 2.27 | 100% | 54.37% | 1.23 | 预算执行率 = (实际支出资金/实际到位资金) × 100%。实际支出资金：一定时期（本年度或项目期）内项目实际拨付的资金。
 |  | 6.81
 | 财务管理制度健全性 | 2.27 | 健全 | 健全 | 2.27 | 1. 已制定或具有相应的财务管理制度，得权重分的50%； 2. 财务管理制度合法、合规、完整，得权重分的50%； （该指标累计得分）
 | 财务监控有效性 | 2.27 | 有效 | 有效 | 2.27 | 1. 建立有效财务管理监控机制，且执行情况良好，得权重分的50%； 2. 项目采取了相应的财务检查或其他必要的监控措施或手段，得权重分的50%； （该指标累计得分）
 | 资金使用规范性 | 2.27 | 合规 | 合规 | 2.27 | 1. 符合国家财经法规和财务管理
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 |  |  |  |  |  | 制度以及有关专项资金管理办法的规定，得权重分的50%； 2. 资金的拨付是否有完整的审批程序和手续，得权重分的25%；符合项目预算批复或合同规定的用途，得权重分的25%； 3. 发生超范围、超标准支出，虚列支出，截留、挤占、挪用资金的，该项指标得0分。 (该指标累计得分)
 |  | 9.11
 | 项目管理制度健全性 | 2.27 | 健全 | 健全 | 2.27 | 1. 建立了完备的项目管理制度，得权重分的50%； 2. 有关制度对项目提出明确的质量要求或标准，得权重分的50%； (该指标累计得分)
 | 政府采购规范性 | 2.27 | 合规 | 合规 | 2.27 | 1. 按照政府采购管理制度有效执行，得满分； 2. 未按制度执行或存在明显不符情况的，不得分。
 | 合同管理完备性 | 2.27 | 完备 | 完备 | 2.27 | 1. 合同管理制度健全且执行到位，得权重分的50%； 2. 相关合同资料齐全并及时归档，得权重分的50%； (该指标累计得分)
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 | 项目质量可控性 | 2.3 | 可控 | 可控 | 2.3 | 1. 项目质量可控且执行到位，得权重分的50%；2. 相关合同资料齐全并及时归档，得权重分的50%； (该指标累计得分)
 |  | 0
产出目标 |  | 30
 |  | 16.17
 | 反邪教宣传工作完成率 | 2.31 | 100% | 100% | 2.31 | 反邪教宣传工作完成率 = (实际完成反邪教宣传工作数量 / 计划完成反邪教宣传工作数量) * 100% * 权重分
 | 办公设备采购完成率 | 2.31 | 100% | 0 | 0.0 | 办公设备采购完成率 = (实际采购办公设备数量 / 计划采购办公设备数量) * 100% * 权重分
 | 反邪教领导干部基层培训人数 | 2.31 | 70人 | 0 | 0.0 | 反邪教领导干部基层培训工作完成率 = (实际反邪教领导干部基层培训数量 / 计划反邪教领导干部基层培训数量) * 100% * 权重分
 | 社会巩固培训学员数 | 2.31 | 35人 | 0 | 0.0 | 社会巩固培训学员完成率 = (实际社会巩固培训学员数量 / 计划社会巩固培训学员数量) * 100% * 权重分
 | 反邪教媒体宣传培训人数 | 2.31 | 60人 | 0 | 0.0 | 反邪教媒体宣传培训完成率 = (实际完成反邪教媒体宣传培训数量 /
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 |  |  |  |  |  | 计划完成反邪教媒体宣传培训数量) *100%*权重分
 | 聘请相关专家工作完成率 | 2.31 | 100% | 0 | 0.0 | 聘请相关专家工作完成率 =(实际聘请相关专家数量/计划聘请相关专家数量) *100%*权重分
 | 教育转化回访次数 | 2.31 | ≥4次 | 4次 | 2.31 | 教育转化回访完成率 =(实际教育转化回访数量/计划教育转化回访数量) *100%*权重分
 |  | 6.93
 | 宣传工作达标率 | 2.31 | 100% | 100% | 2.31 | 宣传工作达标率 =(实际达标宣传工作数量/计划达标宣传工作数量) *100%*权重分
 | 采购办公设备验收合格率 | 2.31 | 100% | 0 | 0.0 | 采购办公设备验收合格率 =(实际验收合格办公设备数量/计划验收合格办公设备数量)*100%*权重分
 | 专家资质达标率 | 2.31 | 100% | 0 | 0.0 | 专家资质达标率 =(实际达标专家数量/计划达标专家数量) *100%*权重分
 |  | 6.9
 | 反邪教领导干部基层培训完成时间 | 2.31 | 2019年6月30日前 | 未完成 | 0.0 | 反邪教领导干部基层培训完成及时率 =(及时培训完成数量/计划培训完成总数) *100%*权重分
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 | 社会巩固班培训完成时间 | 2.31 | 2019年11月30日前 | 未完成 | 0.0 | 社会巩固班培训完成及时率 = (及时完成社会巩固班培训数量 / 计划完成社会巩固班培训总数) * 100% * 权重分
 | 反邪教媒体宣传工作完成时间 | 2.28 | 2019年9月30日前 | 未完成 | 0.0 | 反邪教媒体宣传工作完成及时率 = (及时完成反邪教媒体宣传工作数量 / 计划完成反邪教媒体宣传工作总数) * 100% * 权重分
效果目标 |  | 35
 |  | 17.5
 | 有效引导人民群众抵制邪教 | 8.75 | 有效 | 有效 | 8.75 | ①项目效益完全达到预期目标值，得8.75分；②项目效益达到预期目标值的80%-99%，得6.56分；③项目效益达到预期目标值的50%-79%，得4.4分；④项目效益完全达到预期目标值20%-49%，得2.2分。⑤项目效益完全达到预期目标值0%-19%，得0分。
 | 有效扩大反邪教工作影响力 | 8.75 | 有效 | 有效 | 8.75 | ①项目效益完全达到预期目标值，得8.75分；②项目效益达到预期目标值的80%-99%，得6.56分；③项目效益达到预期目标值的50%-79%，得4.4分；④项目效益
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 |  |  |  |  |  | 完全达到预期目标值20%-49%，得2.2分。⑤项目效益完全达到预期目标值0%-19%，得0分。
 |  | 17.5
 | 参加培训学员满意度 | 8.75 | ≥90% | 未完成 | 0.0 | 此项指标以满意度达90%及以上得满分，每降低1%，减少权重分的3.33%，低于60%不得分， y = 权重分 - (90% - x) * 3.33% * 权重分 ；其中y为得分， 0 ≤ y ≤ 权重分 ，x为实际业绩值， 0.6 ≤ x ≤ 0.9 。其中：90%为目标值； 3.33% = 100 / (90 - 60) * 100%
 | 社会公众满意度 | 8.75 | ≥90% | 90% | 8.75 | 此项指标以满意度达90%及以上得满分，每降低1%，减少权重分的3.33%，低于60%不得分， y = 权重分 - (90% - x) * 3.33% * 权重分 ；其中y为得分， 0 ≤ y ≤ 权重分 ，x为实际业绩值， 0.6 ≤ x ≤ 0.9 。其中：90%为目标值； 3.33% = 100 / (90 - 60) * 100%
影响力目标 |  | 10
 |  | 2.5
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 | 长效管理制度健全性 | 2.5 | 健全 | 健全 | 2.5 | 1. 该指标主要考察项目的长效管理机制建设情况, 部门现有政策制度、管理措施, 有管理和创新的内容和机制, 得权重分的50%; 2. 按照长效管理制度有效执行, 得权重分的50%。 (该指标得分累计)
 |  | 2.5
 | 人员到位率 | 2.5 | 100% | 100% | 2.5 | 该指标主要考察人员到位的情况。 人员到位率 = 实际到位人数 / 应到位人数 * 100%。此项指标以100%为满分。
 |  | 2.5
 | 沟通协调机制健全性 | 2.5 | 健全 | 健全 | 2.5 | 1. 建立完善的项目沟通协调机制且有效执行, 得满分; 2. 已建立完善的项目沟通机制但未得到有效执行, 得权重分的50%; 3. 未建立沟通协调机制, 不得分。
 |  | 2.5
 | 配套设施完备性 | 2.5 | 完备 | 完备 | 2.5 | 1. 配套设施保障充分、合理, 得满分; 2. 配套设施保障不充分且影响项目, 得权重分的50%; 3.
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
 |  |  |  |  |  | 配套设施保障明显超出必要范围，不得分。
 |  | 0
 |  | 0 |  |  | 0.0
总计 |  | 100 |  |  | 67.14
评价等级 |  | 0 |  |  | 合格
"""


def _sheet(text: str, name: str = "附件1-1") -> Sheet:
    return parse(text, name)


def _read(text: str, name: str = "附件1-1") -> FormP:
    read = read_sheet_p(_sheet(text, name))
    assert read is not None and read.status == "form", read
    assert read.family == "project_p"
    assert isinstance(read.form, FormP)
    return read.form


def _num(f: Any) -> float | None:
    return None if f is None or f.value is None else round(float(f.value), 6)


def _values(form: FormP) -> dict[str, Any]:
    """What must not depend on the layout: every value read, without its cell."""
    m, u, sc = form.matrix, form.use, form.scorecard
    assert m is not None and u is not None and sc is not None
    return {
        "project": form.project,
        "texts": {k: v.value for k, v in form.texts.items()},
        "matrix": {k: {c: _num(f) for c, f in r.cells.items()} for k, r in sorted(m.rows.items())},
        "use": [
            (norm_text(r.label.text), r.is_total, _num(r.total), _num(r.fiscal), _num(r.other))
            for r in u.rows
        ],
        "level1": [
            (
                l1.key,
                _num(l1.weight),
                [
                    (_num(s.weight), _num(s.score), s.name, [i.key for i in s.items])
                    for s in l1.subtotals
                ],
                [i.key for i in l1.items],
            )
            for l1 in sc.level1
        ],
        "items": [
            (
                i.key,
                _num(i.weight),
                i.target.value if i.target else None,
                i.actual.value if i.actual else None,
                _num(i.score),
                i.criterion.value if i.criterion else None,
                i.level1,
            )
            for i in sc.items
        ],
        "total": (_num(sc.total_weight), _num(sc.total_score)),
        "grade": sc.grade.value if sc.grade else None,
    }


def norm_text(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _at(sheet: Sheet, f: Any) -> Any:
    """The grid's value at a field's cell (a field must point at the cell it came from)."""
    assert f is not None and f.ref is not None
    return sheet.value(f.ref.row, f.ref.col)


# --- 附件1-1, every block ------------------------------------------------------------


def test_title_annex_and_texts() -> None:
    f = _read(P1_1)
    assert f.title is not None and f.title.cell == "A2"
    assert f.title.value == "研究（执法督查）业务（新）项目绩效情况自评表"
    assert f.project == "研究（执法督查）业务（新）"
    assert f.annex is not None and f.annex.value == "附件1-1" and f.annex.cell == "A1"
    assert list(f.texts) == ["项目背景", "项目内容", "项目范围", "组织架构"]
    assert f.texts["项目内容"].cell == "A7"
    assert f.texts["项目内容"].value == "政法宣传工作和执法监督协调工作。"
    org = f.texts["组织架构"]
    assert org.cell == "A11" and org.value is not None
    assert org.value.splitlines() == [
        "项目主管单位：中共深圳市委政法委员会(机关);",
        "项目实施部门：中共深圳市委政法委员会(机关)研究室和执法监督协调室。",
    ]
    assert f.start is not None and f.start.address == "A2"


def test_matrix_rows_columns_and_the_two_subtotals() -> None:
    sheet = _sheet(P1_1)
    read = read_sheet_p(sheet)
    assert read is not None and isinstance(read.form, FormP)
    m = read.form.matrix
    assert m is not None and m.header is not None and m.header.address == "A15"
    assert m.unit == "元"
    assert list(m.rows) == list(MATRIX_ROWS)
    assert set(m.columns) == set(MATRIX_COLUMNS)
    # the two 小计, told apart by the group above them
    assert m.columns["fiscal"].cell == "D16" and m.columns["other"].cell == "I16"
    assert m.columns["fiscal"].value == m.columns["other"].value == "小计"
    assert m.columns["total"].cell == "C15" and m.columns["social"].cell == "L16"
    budget = m.rows["budget"]
    assert budget.label.cell == "A17" and budget.row == 17
    assert budget.line is not None and budget.line.value == "(1)"
    assert m.cell("budget") is not None and m.cell("budget").cell == "C17"  # type: ignore[union-attr]
    assert _num(m.cell("budget")) == 3856800
    assert _num(m.cell("budget", "fiscal")) == 3856800
    assert m.cell("budget", "fiscal").cell == "D17"  # type: ignore[union-attr]
    assert _num(m.cell("budget", "other")) == 0
    assert m.cell("budget", "other").cell == "I17"  # type: ignore[union-attr]
    assert _num(m.cell("budget", "city")) == 3856800
    assert _num(m.cell("spent")) == 3856800 and _num(m.cell("balance")) == 0
    assert m.rows["balance"].line is not None
    assert m.rows["balance"].line.value == "(5) = (3) - (4)"
    rate = m.cell("exec_rate")
    assert rate is not None and rate.cell == "C22" and rate.value == pytest.approx(1.0)
    assert rate.scale == 100 and rate.sign == "" and rate.computed
    assert m.rows["spend_rate"].label.value == "资金实际支出率 (%)"
    for row in m.rows.values():
        assert set(row.cells) == set(MATRIX_COLUMNS)
        for fld in row.cells.values():
            assert _at(sheet, fld) == fld.raw


def test_fund_use_total_and_items() -> None:
    f = _read(P1_1)
    u = f.use
    assert u is not None and u.header is not None and u.header.address == "A26"
    assert [r.row for r in u.rows] == [28, 29]
    t = u.total
    assert t is not None and t.label.value == "合计" and t.is_total
    assert t.total is not None and t.total.cell == "B28" and _num(t.total) == 3856800
    assert t.fiscal is not None and t.fiscal.cell == "C28" and _num(t.fiscal) == 3856800
    assert t.other is not None and t.other.cell == "D28" and _num(t.other) == 0
    assert t.earmarked is not None and t.earmarked.cell == "E28"
    (item,) = u.items
    assert item.label.value == "研究（执法监督）业务"
    assert _num(item.total) == 3856800 and item.other is not None and item.other.value is None


def test_scorecard_structure_total_and_grade() -> None:
    f = _read(P1_1)
    sc = f.scorecard
    assert sc is not None and sc.header is not None and sc.header.address == "A32"
    assert sc.title is not None and sc.title.value == "项目自评价评分表" and sc.title.cell == "A31"
    assert [l1.key for l1 in sc.level1] == ["投入和管理目标", "产出目标", "效果目标", "影响力目标"]
    assert [_num(l1.weight) for l1 in sc.level1] == [25, 30, 35, 10]
    assert sum(_num(l1.weight) or 0 for l1 in sc.level1) == pytest.approx(100)
    first = sc.level1[0]
    assert first.label.cell == "A33" and first.weight is not None and first.weight.cell == "C33"
    assert [_num(s.weight) for s in first.subtotals] == [2.27, 6.81, 6.81, 9.11, 0]
    assert sum(_num(s.weight) or 0 for s in first.subtotals) == pytest.approx(25)
    assert first.subtotals[0].weight.cell == "C34" and first.subtotals[0].name == ""
    assert [i.key for i in first.subtotals[0].items] == ["项目预算金额"]
    assert first.items == []  # every item sits under a subtotal row
    # the repeated header and the 评分标准 continued after a page break are not items
    assert (39, "重复的表头") in sc.skipped
    assert 40 in [r for r, _ in sc.skipped] and 61 in [r for r, _ in sc.skipped]
    assert [i.key for i in first.subtotals[1].items] == [
        "预算编制合理性",
        "预算资金到位情况",
        "预算执行率",
    ]
    budget = first.subtotals[0].items[0]
    assert budget.name.cell == "B35" and budget.level1 == "投入和管理目标"
    assert budget.weight is not None and budget.weight.cell == "C35" and _num(budget.weight) == 2.27
    assert budget.target is not None and budget.target.cell == "D35"
    assert budget.target.value.kind is Kind.AMOUNT
    assert budget.target.value.number == pytest.approx(3856800)
    assert budget.actual is not None and budget.actual.cell == "E35"
    assert budget.score is not None and budget.score.cell == "F35" and _num(budget.score) == 2.27
    assert budget.criterion is not None and budget.criterion.cell == "G35"
    assert budget.criterion.value is not None and budget.criterion.value.startswith(
        "业绩值达到目标值"
    )
    assert len(sc.items) == 37
    film = next(i for i in sc.items if i.key == "专题汇报片数量")
    assert film.level1 == "产出目标" and _num(film.score) == 0 and film.score.text == "0.0"  # type: ignore[union-attr]
    sat = next(i for i in sc.items if i.key == "社会群众满意度")
    assert sat.target is not None and sat.target.value.kind is Kind.PERCENT
    assert sat.target.raw == "≥90%"
    assert sc.total_label is not None and sc.total_label.cell == "A96"
    assert sc.total_weight is not None and _num(sc.total_weight) == 100
    assert sc.total_score is not None and sc.total_score.cell == "F96"
    assert sc.total_score.value == pytest.approx(98.42) and sc.total_score.text == "98.42"
    assert sum(_num(i.score) or 0 for i in sc.items) == pytest.approx(98.42)
    assert sc.grade_label is not None and sc.grade_label.cell == "A97"
    assert sc.grade is not None and sc.grade.value == "优秀" and sc.grade.cell == "F97"
    for l1 in sc.level1:
        for s in l1.subtotals:
            assert sum(_num(i.weight) or 0 for i in s.items) == pytest.approx(
                _num(s.weight), abs=0.011
            )


# --- 附件1-17 法制学校管理（新）: no merges, a subtotal that prints a score -----------------


def test_fazhi_school_matrix_rates_and_budget_item() -> None:
    sheet = _sheet(P1_17, "附件1-17")
    read = read_sheet_p(sheet)
    assert read is not None and isinstance(read.form, FormP)
    f = read.form
    assert f.project == "法制学校管理（新）" and f.annex is not None and f.annex.value == "附件1-17"
    m = f.matrix
    assert m is not None
    # no merges: each group covers the columns up to the next group label
    assert m.columns["fiscal"].cell == "D15" and m.columns["other"].cell == "I15"
    rate = m.cell("exec_rate")
    assert rate is not None and rate.cell == "C21" and rate.value == pytest.approx(0.5437)
    assert rate.show(rate.value) == "54.37"  # type: ignore[arg-type]
    assert _num(m.cell("arrival_rate")) == 1.0
    assert _num(m.cell("spent")) == pytest.approx(334887.14)
    assert _num(m.cell("balance")) == 281100
    sc = f.scorecard
    assert sc is not None
    item = next(i for i in sc.items if i.key == "预算执行率")
    assert item.name.cell == "B40" and _at(sheet, item.name) == "预算执行率"
    assert _num(item.weight) == 2.27 and item.weight is not None and item.weight.cell == "C40"
    assert _num(item.score) == 1.23 and item.score is not None and item.score.cell == "F40"
    assert item.actual is not None and item.actual.value.number == pytest.approx(0.5437)
    assert sc.total_score is not None and sc.total_score.value == pytest.approx(67.14)
    assert sc.grade is not None and sc.grade.value == "合格"
    assert sum(_num(l1.weight) or 0 for l1 in sc.level1) == pytest.approx(100)


def test_a_subtotal_row_with_a_score_is_a_subtotal() -> None:
    f = _read(P1_17, "附件1-17")
    sc = f.scorecard
    assert sc is not None
    last = sc.level1[-1]
    assert last.key == "影响力目标"
    scored = [s for s in last.subtotals if s.score is not None]
    assert len(scored) == 1
    s = scored[0]
    assert s.row == 96 and s.weight.cell == "C96" and _num(s.weight) == 0
    assert s.score is not None and s.score.cell == "F96" and s.score.text == "0.0"
    assert s.items == []
    assert all(i.row != 96 for i in sc.items)
    assert len(sc.items) == 32
    assert sum(_num(i.score) or 0 for i in sc.items) == pytest.approx(67.14)


# --- variants -----------------------------------------------------------------------


def _shift(text: str, cols: int = 0, blank_every: int = 0) -> str:
    """``text`` moved right by ``cols`` columns, with a blank row before every ``blank_every``-th line."""
    out: list[str] = []
    for i, line in enumerate(text.splitlines()):
        cells = [c.strip() for c in line.split("|")]
        if blank_every and i % blank_every == 0 and "^" not in cells:
            out.append("")
        out.append(("|" * cols + line) if line.strip() else line)
    return "\n".join(out) + "\n"


def _blocks(text: str) -> dict[str, str]:
    """附件1-1's text cut into its parts: head, matrix, use, scorecard."""
    lines = text.splitlines()
    cut = [
        next(i for i, ln in enumerate(lines) if ln.startswith(mark))
        for mark in ("(一) 资金安排情况", "(二) 资金使用情况", "三、项目自评价评分表")
    ]
    return {
        "head": "\n".join(lines[: cut[0]]),
        "matrix": "\n".join(lines[cut[0] : cut[1]]),
        "use": "\n".join(lines[cut[1] : cut[2]]),
        "card": "\n".join(lines[cut[2] :]),
    }


def _base() -> dict[str, Any]:
    return _values(_read(P1_1))


def test_blocks_moved_shifted_and_blank_rows_inserted() -> None:
    b = _blocks(P1_1)
    moved = "\n".join([b["head"], "", b["card"], "", "", b["use"], "", b["matrix"]]) + "\n"
    for text in (moved, _shift(P1_1, cols=2, blank_every=3), _shift(moved, cols=1, blank_every=4)):
        assert _values(_read(text)) == _base()


def test_spaced_labels_and_bracket_variants() -> None:
    text = P1_1
    for old, new in (
        ("项目 | 行次", "项 目 | 行 次"),
        ("财政资金 | >", "财 政 资 金 | >"),
        ("预算执行率 (%)", "预算执行率（%）"),
        ("资金实际支出率 (%)", "资金实际支出率(%)"),
        ("(一) 资金安排情况", "（一）资金 安排情况"),
        ("项目支出内容", "项目支出 内容"),
        ("一级指标", "一级 指标"),
        ("评分结果", "评分 结果"),
        ("评价等级", "评价 等级"),
        ("总计 |", "总 计 |"),
        ("项目自评价评分表\n", "项目自评价评分表：\n"),
    ):
        assert old in text
        text = text.replace(old, new)
    assert _values(_read(text)) == _base()


def test_matrix_rows_found_by_their_line_numbers_in_full_width() -> None:
    text = P1_17
    for label, line, full in (
        ("资金结余", "(5) = (3) - (4)", "（5）=（3）-（4）"),
        ("预算执行率 (%)", "(6) = (4) / (1)", "（6）=（4）/（1）"),
        ("资金到位率 (%)", "(7) = (3) / (1)", "（7）=（3）/（1）"),
        ("资金实际支出率 (%)", "(8) = (4) / (3)", "（8）=（4）/（3）"),
    ):
        text = text.replace(f"{label} | {line} |", f" | {full} |")
    f = _read(text, "附件1-17")
    m = f.matrix
    assert m is not None and list(m.rows) == list(MATRIX_ROWS)
    row6 = m.rows["exec_rate"]
    assert row6.label.value is None and row6.label.cell == "A21"
    assert row6.line is not None and row6.line.value == "（6）=（4）/（1）"
    assert _num(m.cell("exec_rate")) == 0.5437 and _num(m.cell("spend_rate")) == 0.5437
    assert _num(m.cell("arrival_rate")) == 1.0
    assert _num(m.cell("balance", "city")) == 281100


def test_groups_in_the_other_order() -> None:
    """其他资金 before 财政资金: each 小计 still goes with its own group."""
    lines = P1_17.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("项目 | 行次"))
    for i in range(start, start + 10):
        cells = [c.strip() for c in lines[i].split("|")]
        cells += [""] * (12 - len(cells))
        lines[i] = " | ".join(cells[:3] + cells[8:12] + cells[3:8])
    f = _read("\n".join(lines) + "\n", "附件1-17")
    m = f.matrix
    assert m is not None
    assert m.columns["other"].cell == "D15" and m.columns["fiscal"].cell == "H15"
    assert m.columns["central"].cell == "I15" and m.columns["own"].cell == "E15"
    assert _num(m.cell("budget", "fiscal")) == pytest.approx(615987.14)
    assert _num(m.cell("budget", "other")) == 0


def _wan(match: re.Match[str]) -> str:
    return f"{int(match.group(0)) / 10000:.2f}"


def test_amounts_in_wan_yuan_with_a_unit_header() -> None:
    b = _blocks(P1_1)
    matrix = b["matrix"].replace("(一) 资金安排情况", "(一) 资金安排情况\n单位：万元")
    matrix = re.sub(r"(?<![\d.(])3856800(?![\d.])", _wan, matrix)
    use = re.sub(r"(?<![\d.(])3856800(?![\d.])", _wan, b["use"])
    assert "385.68" in matrix and "385.68" in use
    f = _read("\n".join([b["head"], matrix, use, b["card"]]) + "\n")
    assert f.matrix is not None and f.matrix.unit == "万元"
    assert f.use is not None and f.use.unit == "万元"
    budget = f.matrix.cell("budget")
    assert budget is not None and budget.value == pytest.approx(3856800)
    assert budget.raw == pytest.approx(385.68) and budget.scale == 0.0001
    assert f.matrix.cell("exec_rate").value == pytest.approx(1.0)  # type: ignore[union-attr]
    total = f.use.total
    assert total is not None and _num(total.total) == pytest.approx(3856800)
    base = _base()
    got = _values(f)
    assert got["matrix"] == base["matrix"] and got["use"] == base["use"]


LEVEL2_SHEET = """\
项目自评价评分表
一级指标 | 二级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
投入与管理目标 |  |  | 25
^ | 预算编制 |  | 4.54
^ | ^ | 预算编制合理性 | 2.27 | 合理 | 合理 | 2.27 | 有依据得满分
^ | ^ | 预算执行率 | 2.27 | 100% | 54.37% | 1.23 | 权重×预算执行率
^ | 财务管理 |  | 20.46 |  |  | 20.46
^ | ^ | 资金使用规范性 | 20.46 | 合规 | 合规 | 20.46 | 合规得满分
产出指标 |  |  | 75
^ | 产出数量 | 培训人数 | 75 | 70人 | 70人 | 75 | (实际/计划)*100%*权重分
效果目标 | 社会效益 |  | 0
^ | ^ | 群众满意度 | 0 | ≥90% | 95% | 0 | 达标得满分
总计 |  |  | 100 |  |  | 98.96
评价等级 |  |  |  |  |  | 优秀
"""


def test_a_level2_column_with_names_and_merged_level1() -> None:
    f = _read(LEVEL2_SHEET, "二级")
    sc = f.scorecard
    assert sc is not None and f.matrix is None and f.use is None
    assert [l1.key for l1 in sc.level1] == ["投入和管理目标", "产出目标", "效果目标"]
    assert sc.level1[0].label.value == "投入与管理目标"
    inp = sc.level1[0]
    assert [(s.name, _num(s.weight)) for s in inp.subtotals] == [
        ("预算编制", 4.54),
        ("财务管理", 20.46),
    ]
    assert inp.subtotals[0].label is not None and inp.subtotals[0].label.cell == "B4"
    assert [i.key for i in inp.subtotals[0].items] == ["预算编制合理性", "预算执行率"]
    assert inp.subtotals[0].items[1].level2 == "预算编制"
    assert inp.subtotals[0].items[1].level1 == "投入和管理目标"
    assert inp.subtotals[1].score is not None and _num(inp.subtotals[1].score) == 20.46
    assert [i.key for i in inp.subtotals[1].items] == ["资金使用规范性"]
    out = sc.level1[1]
    # a 二级 named on its first item's row: a subtotal without a weight of its own
    (qty,) = out.subtotals
    assert qty.name == "产出数量" and qty.weight.value is None
    assert [i.key for i in qty.items] == ["培训人数"]
    # a 一级 and a 二级 on one row (the 一级 merged down, no row of its own)
    eff = sc.level1[2]
    assert eff.key == "效果目标" and eff.weight is None
    assert [(s.name, _num(s.weight), s.weight.cell) for s in eff.subtotals] == [
        ("社会效益", 0, "D11")
    ]
    assert [i.key for i in eff.subtotals[0].items] == ["群众满意度"]
    assert [i.key for i in sc.items] == [
        "预算编制合理性",
        "预算执行率",
        "资金使用规范性",
        "培训人数",
        "群众满意度",
    ]
    assert sc.total_score is not None and _num(sc.total_score) == 98.96
    assert sc.grade is not None and sc.grade.value == "优秀" and sc.grade.cell == "G14"


def test_level1_repeated_on_every_row() -> None:
    b = _blocks(P1_1)
    out, current = [], ""
    for line in b["card"].splitlines():
        first = line.split("|")[0].strip()
        if first in ("投入和管理目标", "产出目标", "效果目标", "影响力目标"):
            current = first
        elif line.startswith(" |") and current:
            line = current + line
        out.append(line)
    f = _read("\n".join([b["head"], b["matrix"], b["use"], *out]) + "\n")
    assert _values(f) == _base()


def test_items_before_any_subtotal_row_and_level1_only_on_item_rows() -> None:
    text = """\
项目自我评价评分表
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
产出目标(60分) | 培训人数 | 30 | 70人 | 35人 | 15 | 完成率×权重分
 | 培训场次 | 30 | 3场 | 3场 | 30 | 完成率×权重分
 |  | 0
新的目标 | 满意度 | 40 | ≥90% | 95% | 40 | 达标得满分
总计 |  | 100 |  |  | 85
评价等级 |  |  | 良好
"""
    f = _read(text, "items")
    sc = f.scorecard
    assert sc is not None
    out, other = sc.level1
    assert out.key == "产出目标" and _num(out.weight) == 60 and out.weight.cell == "A3"  # type: ignore[union-attr]
    assert [i.key for i in out.items] == ["培训人数", "培训场次"]
    assert [_num(s.weight) for s in out.subtotals] == [0]
    assert other.key == "新的目标" and other.weight is None
    assert [i.key for i in other.items] == ["满意度"] and other.items[0].level1 == "新的目标"
    assert sc.grade is not None and sc.grade.value == "良好" and sc.grade.cell == "D8"
    assert sc.title is not None and sc.title.value == "项目自我评价评分表"


def test_annex2_scorecard_title_names_the_project() -> None:
    text = """\
附表 1：
财政专项资金项目自我评价评分表
一级指标 | 三级指标 | 权重 | 目标值 | 业绩值 | 评分结果 | 评分标准
投入和管理目标 |  | 100
 |  | 100
 | 项目预算金额 | 100 | 200 万元 | 200 万元 | 100 | 得满分
总计 |  | 100 |  |  | 100.00
评价等级 |  | 0 |  |  | 优秀
"""
    f = _read(text, "附表1")
    assert f.title is not None and f.title.cell == "A2"
    assert f.project == "财政专项资金"
    assert f.annex is None  # 附表1 numbers a table inside an annex, not the form
    assert f.scorecard is not None and f.scorecard.title is not None
    assert f.scorecard.title.cell == "A2"
    assert f.scorecard.total_score is not None and f.scorecard.total_score.text == "100.00"


# --- bad cells, formulas ------------------------------------------------------------------


def test_bad_cells_are_fields_without_a_value() -> None:
    text = P1_17.replace(
        " | 预算执行率 | 2.27 | 100% | 54.37% | 1.23 |",
        " | 预算执行率 | 两分 | 100% | 54.37% | 约1分 |",
    ).replace("预算安排 | (1) | 615987.14", "预算安排 | (1) | 见附表")
    f = _read(text, "附件1-17")
    assert f.matrix is not None
    cell = f.matrix.cell("budget")
    assert cell is not None and cell.value is None and cell.raw == "见附表" and cell.cell == "C16"
    sc = f.scorecard
    assert sc is not None
    item = next(i for i in sc.items if i.key == "预算执行率")
    assert item.weight is not None and item.weight.value is None and item.weight.raw == "两分"
    assert item.score is not None and item.score.value is None and item.score.raw == "约1分"


def test_formula_cells_copied_from_the_recomputation() -> None:
    text = P1_1.replace(
        "资金结余 | (5) = (3) - (4) | 0 |", "资金结余 | (5) = (3) - (4) | {=C19-C20} |"
    )
    sheet = _sheet(text)
    assert (21, 3) in sheet.formulas
    read = read_sheet_p(sheet)
    assert read is not None and isinstance(read.form, FormP)
    assert [r.address for r in read.form.uncached_formulas] == ["C21"]
    # what the checker's recomputation leaves on the sheet
    sheet.cells[(21, 3)] = 0
    sheet.recomputed[(21, 3)] = 0
    sheet.formulas[(22, 3)] = "=C20/C17*100"
    sheet.stale[(22, 3)] = (99, 100)
    sheet.not_recomputed[(23, 3)] = "公式引用了其他工作簿"
    sheet.formulas[(23, 3)] = "=[1]Sheet1!A1"
    read = read_sheet_p(sheet)
    assert read is not None and isinstance(read.form, FormP)
    f = read.form
    assert [(c.ref.address, c.formula, c.value) for c in f.recomputed_formulas] == [
        ("C21", "=C19-C20", 0)
    ]
    assert [(c.ref.address, c.cached, c.value) for c in f.stale_formulas] == [("C22", 99, 100)]
    assert {r.address: why for r, why in f.unrecomputed_formulas.items()} == {
        "C23": "公式引用了其他工作簿"
    }
    # the same copy works on any form
    s = FormS(sheet=sheet.name, family="national")
    read_recomputed(sheet, s)
    assert s.stale_formulas == f.stale_formulas


# --- what is not a form P --------------------------------------------------------------


def test_sheets_that_are_not_form_p() -> None:
    for text in (
        "说明 | 本表为部门决算的说明\n",
        "附件 1\n各项目绩效情况自评表\n",  # an index names the forms: not one of them
        "项目支出绩效自评表\n项目名称 | 示例\n年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施\n",
    ):
        assert read_sheet_p(_sheet(text)) is None


def test_form_s_sheets_are_not_form_p(seed_grid: Grid) -> None:
    assert seed_grid.sheets
    for sheet in seed_grid.sheets:
        assert not is_form_p(sheet_labels(sheet))
        assert read_sheet_p(sheet) is None


def test_a_form_p_without_readable_blocks_is_unrecognized() -> None:
    read = read_sheet_p(_sheet("示例项目项目绩效情况自评表\n(一) 资金安排情况\n本项目无资金\n"))
    assert read is not None and read.status == "unrecognized" and read.family == "project_p"
    assert read.form is None and read.reason.startswith("版式未识别")


def test_is_form_p_labels() -> None:
    assert is_form_p(["(一)资金安排情况"])
    assert is_form_p(["财政专项资金项目自我评价评分表"])
    assert is_form_p(["一级指标", "权重", "评分结果", "评分标准"])
    assert not is_form_p(["研究业务项目绩效情况自评表"])
    assert not is_form_p(["项目支出绩效自评表", "分值", "得分"])
    assert level1_key("投入与管理目标") == "投入和管理目标"
    assert level1_key("效益指标") == "效果目标"
    assert level1_key("其他目标") == "其他目标"


# --- the example workbook --------------------------------------------------------------


@pytest.mark.skipif(not EXAMPLE_P.exists(), reason="the form-P example workbook is not built")
def test_example_workbook_every_sheet_is_a_form_p() -> None:
    """All 23 sheets of the example: each a form P read as seed 002 prints it."""
    from budgetlint.build.seed_p import FORMS
    from budgetlint.hosts import read_workbook

    grid = read_workbook(EXAMPLE_P)
    assert len(grid.sheets) == 23 == len(FORMS)
    for sheet, seed in zip(grid.sheets, FORMS, strict=True):
        read = read_sheet_p(sheet)
        assert read is not None and read.status == "form", sheet.name
        f = read.form
        assert isinstance(f, FormP) and f.scorecard is not None, sheet.name
        assert f.project and (f.project in seed.title or f.project in seed.scorecard_title)
        sc = f.scorecard
        assert sc.total_score is not None and sc.total_score.text == seed.total.score, sheet.name
        assert sc.total_weight is not None and sc.total_weight.text == seed.total.weight
        assert sc.grade is not None and sc.grade.value == seed.grade.score, sheet.name
        assert sum(_num(l1.weight) or 0 for l1 in sc.level1) == pytest.approx(100), sheet.name
        assert [l1.key for l1 in sc.level1] == list(LEVEL1_ORDER), sheet.name
        printed = [(r.name, r.weight, r.score) for r in seed.scorecard if r.kind == "item"]
        assert [
            (i.key, i.weight.text if i.weight else "", i.score.text if i.score else "")
            for i in sc.items
        ] == printed, sheet.name
        assert len(sc.subtotals) == sum(1 for r in seed.scorecard if r.kind == "level2")
        assert f.matrix is not None and list(f.matrix.rows) == list(MATRIX_ROWS), sheet.name
        assert f.use is not None and len(f.use.rows) == len(seed.use), sheet.name
        assert f.use.total is not None and f.use.total.total is not None
        assert f.use.total.total.text == seed.use[0].total, sheet.name


LEVEL1_ORDER = ("投入和管理目标", "产出目标", "效果目标", "影响力目标")
