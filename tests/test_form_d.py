"""The form-D reader (部门决算公开表 公开01–08 and the 情况说明) on sheets transcribed from the seed.

The seed (seeds/002, 中共深圳市委政法委员会 2019 年度部门决算) is a PDF extraction; the
sheets below are its tables typed back into a grid, with the merged headers a
workbook has and the rows that a page break split joined again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetlint.forms.form_d import narrative_paragraphs, read_sheet_d
from budgetlint.gridtext import parse
from budgetlint.model_d import TABLE_COLUMNS, THREE_PUBLIC_ITEMS, THREE_PUBLIC_MEASURES, DTable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "中共深圳市委政法委员会_2019_部门决算.xlsx"

T01 = """\
收入支出决算总表
公开01表
部门：中共深圳市委政法委员会 | | | | | 单位：万元
收入 | > | > | 支出 | > | >
项 目 | 行次 | 决算数 | 项 目 | 行次 | 决算数
栏 次 | | 1 | 栏 次 | | 2
一、一般公共预算财政拨款收入 | 1 | 16940.76 | 一、一般公共服务支出 | 29 | 13438.32
二、政府性基金预算财政拨款收入 | 2 |  | 二、外交支出 | 30
三、上级补助收入 | 3 |  | 三、国防支出 | 31
四、事业收入 | 4 |  | 四、公共安全支出 | 32 | 1534.39
五、经营收入 | 5 |  | 五、教育支出 | 33 | 287.18
六、附属单位上缴收入 | 6 |  | 六、科学技术支出 | 34
七、其他收入 | 7 | 880.00 | 七、文化旅游体育与传媒支出 | 35
 | 8 |  | 八、社会保障和就业支出 | 36 | 981.76
 | 9 |  | 九、卫生健康支出 | 37 | 37.39
 | 10 |  | 十、节能环保支出 | 38
 | 11 |  | 十一、城乡社区支出 | 39
 | 12 |  | 十二、农林水支出 | 40
 | 13 |  | 十三、交通运输支出 | 41
 | 14 |  | 十四、资源勘探信息等支出 | 42
 | 15 |  | 十五、商业服务业等支出 | 43
 | 16 |  | 十六、金融支出 | 44
 | 17 |  | 十七、援助其他地区支出 | 45
 | 18 |  | 十八、自然资源海洋气象等支出 | 46
 | 19 |  | 十九、住房保障支出 | 47 | 1541.73
 | 20 |  | 二十、粮油物资储备支出 | 48
 | 21 |  | 二十一、灾害防治及应急管理支出 | 49
 | 22 |  | 二十二、其他支出 | 50
 | 23 |  |  | 51
本年收入合计 | 24 | 17820.76 | 本年支出合计 | 52 | 17820.76
用事业基金弥补收支差额 | 25 |  | 结余分配 | 53
年初结转和结余 | 26 | 391.26 | 年末结转和结余 | 54 | 391.26
 | 27 |  |  | 55
总计 | 28 | 18212.02 | 总计 | 56 | 18212.02
注：本表反映部门本年度的总收支和年末结转结余情况。
"""

T02 = """\
收入决算表
公开02表
单位：万元
部门：中共深圳市委政法委员会
项 目 | > | 本年收入合计 | 财政拨款收入 | 上级补助收入 | 事业收入 | 经营收入 | 附属单位\\n上缴收入 | 其他收入
功能分类科目编码 | 科目名称 | ^ | ^ | ^ | ^ | ^ | ^ | ^
栏次 | > | 1 | 2 | 3 | 4 | 5 | 6 | 7
合计 |  | 17,820.76 | 16,940.76 | 0.00 | 0.00 | 0.00 | 0.00 | 880.00
201 | 一般公共服务支出 | 13,438.32 | 12,558.32 |  |  |  |  | 880.00
20136 | 其他共产党事务支出 | 13,016.85 | 12,136.85 |  |  |  |  | 880.00
2013601 | 行政运行 | 4,940.88 | 4,940.88
2013699 | 其他共产党事务支出 | 8,075.97 | 7,195.97 |  |  |  |  | 880.00
20199 | 其他一般公共服务支出 | 421.47 | 421.47
2019999 | 其他一般公共服务支出 | 421.47 | 421.47
204 | 公共安全支出 | 1,534.39 | 1,534.39
20499 | 其他公共安全支出 | 1,534.39 | 1,534.39
2049901 | 其他公共安全支出 | 1,534.39 | 1,534.39
205 | 教育支出 | 287.18 | 287.18
20508 | 进修及培训 | 287.18 | 287.18
2050803 | 培训支出 | 287.18 | 287.18
208 | 社会保障和就业支出 | 981.76 | 981.76
20805 | 行政事业单位离退休 | 981.36 | 981.36
2080501 | 归口管理的行政单位离退休 | 402.22 | 402.22
2080502 | 事业单位离退休 | 6.59 | 6.59
2080505 | 机关事业单位基本养老保险缴费支出 | 410.71 | 410.71
2080506 | 机关事业单位职业年金缴费支出 | 161.83 | 161.83
20827 | 财政对其他社会保险基金的补助 | 0.40 | 0.40
2082799 | 其他财政对社会保险基金的补助 | 0.40 | 0.40
210 | 卫生健康支出 | 37.39 | 37.39
21007 | 计划生育事务 | 14.99 | 14.99
2100799 | 其他计划生育事务支出 | 14.99 | 14.99
21011 | 行政事业单位医疗 | 22.39 | 22.39
2101101 | 行政单位医疗 | 22.31 | 22.31
2101102 | 事业单位医疗 | 0.08 | 0.08
221 | 住房保障支出 | 1,541.73 | 1,541.73
22102 | 住房改革支出 | 1,541.73 | 1,541.73
2210201 | 住房公积金 | 438.24 | 438.24
2210203 | 购房补贴 | 1,103.49 | 1,103.49

注：本表反映部门本年度取得的各项收入情况。
"""

T03 = """\
支出决算表
公开03表
单位：万元
部门：中共深圳市委政法委员会
项 目 | > | 本年支出合计 | 基本支出 | 项目支出 | 上缴上级支出 | 经营支出 | 对附属单位补助支出
功能分类科目编码 | 科目名称 | ^ | ^ | ^ | ^ | ^ | ^
栏次 | > | 1 | 2 | 3 | 4 | 5 | 6
合计 |  | 17,820.76 | 7,103.37 | 10,717.39 | 0.00 | 0.00 | 0.00
201 | 一般公共服务支出 | 13,438.32 | 4,940.88 | 8,497.44
20136 | 其他共产党事务支出 | 13,016.85 | 4,940.88 | 8,075.97
2013601 | 行政运行 | 4,940.88 | 4,940.88 | 0.00
2013699 | 其他共产党事务支出 | 8,075.97 |  | 8,075.97
20199 | 其他一般公共服务支出 | 421.47 |  | 421.47
2019999 | 其他一般公共服务支出 | 421.47 |  | 421.47
204 | 公共安全支出 | 1,534.39 |  | 1,534.39
20499 | 其他公共安全支出 | 1,534.39 |  | 1,534.39
2049901 | 其他公共安全支出 | 1,534.39 |  | 1,534.39
205 | 教育支出 | 287.18 |  | 287.18
20508 | 进修及培训 | 287.18 |  | 287.18
2050803 | 培训支出 | 287.18 |  | 287.18
208 | 社会保障和就业支出 | 981.76 | 598.37 | 383.38
20805 | 行政事业单位离退休 | 981.36 | 597.97 | 383.38
2080501 | 归口管理的行政单位离退休 | 402.22 | 24.09 | 378.13
2080502 | 事业单位离退休 | 6.59 | 1.34 | 5.25
2080505 | 机关事业单位基本养老保险缴费支出 | 410.71 | 410.71
2080506 | 机关事业单位职业年金缴费支出 | 161.83 | 161.83
20827 | 财政对其他社会保险基金的补助 | 0.40 | 0.40
2082799 | 其他财政对社会保险基金的补助 | 0.40 | 0.40
210 | 卫生健康支出 | 37.39 | 22.39 | 14.99
21007 | 计划生育事务 | 14.99 |  | 14.99
2100799 | 其他计划生育事务支出 | 14.99 |  | 14.99
21011 | 行政事业单位医疗 | 22.39 | 22.39
2101101 | 行政单位医疗 | 22.31 | 22.31
2101102 | 事业单位医疗 | 0.08 | 0.08
221 | 住房保障支出 | 1,541.73 | 1,541.73
22102 | 住房改革支出 | 1,541.73 | 1,541.73
2210201 | 住房公积金 | 438.24 | 438.24
2210203 | 购房补贴 | 1,103.49 | 1,103.49
注：本表反映部门本年度各项支出情况。
"""

T04 = """\
财政拨款收入支出决算总表
公开04表
单位：万元
部门：中共深圳市委政法委员会
收入 | > | > | 支出 | > | > | > | >
项 目 | 行次 | 金 额 | 项 目 | 行次 | 合 计 | 一般公共预算\\n财政拨款 | 政府性基金预算财政拨款
栏 次 | | 1 | 栏 次 | | 2 | 3 | 4
一、一般公共预算财政拨款 | 1 | 16,940.76 | 一、一般公共服务支出 | 30 | 12,558.32 | 12,558.32
二、政府性基金预算财政拨款 | 2 | 0.00 | 二、外交支出 | 31
 | 3 |  | 三、国防支出 | 32
 | 4 |  | 四、公共安全支出 | 33 | 1,534.39 | 1,534.39
 | 5 |  | 五、教育支出 | 34 | 287.18 | 287.18
 | 6 |  | 六、科学技术支出 | 35
 | 7 |  | 七、文化旅游体育与传媒支出 | 36
 | 8 |  | 八、社会保障和就业支出 | 37 | 981.76 | 981.76
 | 9 |  | 九、卫生健康支出 | 38 | 37.39 | 37.39
 | 10 |  | 十、节能环保支出 | 39
 | 11 |  | 十一、城乡社区支出 | 40
 | 12 |  | 十二、农林水支出 | 41
 | 13 |  | 十三、交通运输支出 | 42
 | 14 |  | 十四、资源勘探信息等支出 | 43
 | 15 |  | 十五、商业服务业等支出 | 44
 | 16 |  | 十六、金融支出 | 45
 | 17 |  | 十七、援助其他地区支出 | 46
 | 18 |  | 十八、自然资源海洋气象等支出 | 47
 | 19 |  | 十九、住房保障支出 | 48 | 1,541.73 | 1,541.73
 | 20 |  | 二十、粮油物资储备支出 | 49
 | 21 |  | 二十一、灾害防治及应急管理支出 | 50
 | 22 |  | 二十二、其他支出 | 51
 | 23 |  |  | 52
本年收入合计 | 24 | 16,940.76 | 本年支出合计 | 53 | 16,940.76 | 16,940.76
年初财政拨款结转和结余 | 25 | 367.65 | 年末财政拨款结转和结余 | 54 | 367.65 | 367.65
一、一般公共预算财政拨款 | 26 | 367.65 |  | 55
二、政府性基金预算财政拨款 | 27 | 0.00 |  | 56
 | 28 |  |  | 57
总计 | 29 | 17,308.42 | 总计 | 58 | 17,308.42 | 17,308.42 | 0.00
注：本表反映部门本年度一般公共预算财政拨款和政府性基金预算财政拨款的总收支和年末结转结余情况。
"""

T05 = """\
一般公共预算财政拨款支出决算表
公开05表
部门：中共深圳市委政法委员会
单位：万元
项 目 | > | 本年支出 | > | >
功能分类科目编码 | 科目名称 | 小计 | 基本支出 | 项目支出
栏次 | > | 1 | 2 | 3
合计 |  | 16,940.76 | 7,103.37 | 9,837.39
201 | 一般公共服务支出 | 12,558.32 | 4,940.88 | 7,617.44
20136 | 其他共产党事务支出 | 12,136.85 | 4,940.88 | 7,195.97
2013601 | 行政运行 | 4,940.88 | 4,940.88
2013699 | 其他共产党事务支出 | 7,195.97 |  | 7,195.97
20199 | 其他一般公共服务支出 | 421.47 |  | 421.47
2019999 | 其他一般公共服务支出 | 421.47 |  | 421.47
204 | 公共安全支出 | 1,534.39 |  | 1,534.39
20499 | 其他公共安全支出 | 1,534.39 |  | 1,534.39
2049901 | 其他公共安全支出 | 1,534.39 |  | 1,534.39
205 | 教育支出 | 287.18 |  | 287.18
20508 | 进修及培训 | 287.18 |  | 287.18
2050803 | 培训支出 | 287.18 |  | 287.18
208 | 社会保障和就业支出 | 981.76 | 598.37 | 383.38
20805 | 行政事业单位离退休 | 981.36 | 597.97 | 383.38
2080501 | 归口管理的行政单位离退休 | 402.22 | 24.09 | 378.13
2080502 | 事业单位离退休 | 6.59 | 1.34 | 5.25
2080505 | 机关事业单位基本养老保险缴费支出 | 410.71 | 410.71
2080506 | 机关事业单位职业年金缴费支出 | 161.83 | 161.83
20827 | 财政对其他社会保险基金的补助 | 0.40 | 0.40
2082799 | 其他财政对社会保险基金的补助 | 0.40 | 0.40
210 | 卫生健康支出 | 37.39 | 22.39 | 14.99
21007 | 计划生育事务 | 14.99 |  | 14.99
2100799 | 其他计划生育事务支出 | 14.99 |  | 14.99
21011 | 行政事业单位医疗 | 22.39 | 22.39
2101101 | 行政单位医疗 | 22.31 | 22.31
2101102 | 事业单位医疗 | 0.08 | 0.08
221 | 住房保障支出 | 1,541.73 | 1,541.73
22102 | 住房改革支出 | 1,541.73 | 1,541.73
2210201 | 住房公积金 | 438.24 | 438.24
2210203 | 购房补贴 | 1,103.49 | 1,103.49
229 | 其他支出 | 0.00
22999 | 其他支出 | 0.00
2299901 | 其他支出 | 0.00
注：本表反映部门本年度一般公共预算财政拨款支出情况。
"""

T06 = """\
一般公共预算财政拨款基本支出决算表
公开06表
部门：中共深圳市委政法委员会
单位：万元
经济分类\\n科目编码 | 科目名称 | 决算数 | 经济分类\\n科目编码 | 科目名称 | 决算数 | 经济分类\\n科目编码 | 科目名称 | 决算数
301 | 工资福利支出 | 5,815.92 | 302 | 商品和服务支出 | 702.49 | 307 | 债务利息及费用支出
30101 | 基本工资 | 1,235.40 | 30201 | 办公费 | 104.24 | 30701 | 国内债务付息
30102 | 津贴补贴 | 2,690.50 | 30202 | 印刷费 | 3.74 | 30702 | 国外债务付息
30103 | 奖金 | 12.82 | 30203 | 咨询费 |  | 310 | 资本性支出 | 2.82
30106 | 伙食补助费 |  | 30204 | 手续费 |  | 31001 | 房屋建筑物购建
30107 | 绩效工资 | 27.70 | 30205 | 水费 | 11.00 | 31002 | 办公设备购置 | 2.82
30108 | 机关事业单位基本养老保险缴费 | 686.26 | 30206 | 电费 | 75.62 | 31003 | 专用设备购置
30109 | 职业年金缴费 | 282.33 | 30207 | 邮电费 | 75.76 | 31005 | 基础设施建设
30110 | 职工基本医疗保险缴费 | 105.14 | 30208 | 取暖费 |  | 31006 | 大型修缮
30111 | 公务员医疗补助缴费 |  | 30209 | 物业管理费 | 214.94 | 31007 | 信息网络及软件购置更新
30112 | 其他社会保障缴费 | 0.05 | 30211 | 差旅费 | 7.51 | 31008 | 物资储备
30113 | 住房公积金 | 738.56 | 30212 | 因公出国（境） 费用 |  | 31009 | 土地补偿
30114 | 医疗费 | 0.09 | 30213 | 维修（护）费 | 47.72 | 31010 | 安置补助
30199 | 其他工资福利支出 | 37.07 | 30214 | 租赁费 | 1.48 | 31011 | 地上附着物和青苗补偿
303 | 对个人和家庭的补助 | 582.14 | 30215 | 会议费 |  | 31012 | 拆迁补偿
30301 | 离休费 |  | 30216 | 培训费 |  | 31013 | 公务用车购置
30302 | 退休费 | 430.45 | 30217 | 公务接待费 |  | 31019 | 其他交通工具购置
30303 | 退职（役）费 |  | 30218 | 专用材料费 |  | 31021 | 文物和陈列品购置
30304 | 抚恤金 | 70.77 | 30224 | 被装购置费 |  | 31022 | 无形资产购置
30305 | 生活补助 |  | 30225 | 专用燃料费 |  | 31099 | 其他资本性支出
30306 | 救济费 |  | 30226 | 劳务费 |  | 399 | 其他支出
30307 | 医疗费补助 |  | 30227 | 委托业务费 |  | 39906 | 赠与
30308 | 助学金 |  | 30228 | 工会经费 | 23.24 | 39907 | 国家赔偿费用支出
30309 | 奖励金 | 80.93 | 30229 | 福利费 | 6.96 | 39908 | 对民间非营利组织和群众性自治组织补贴
30310 | 个人农业生产补贴 |  | 30231 | 公务用车运行维护费 | 21.46 | 39999 | 其他支出
30399 | 其他对个人和家庭的补助 |  | 30239 | 其他交通费用 | 99.35
 |  |  | 30240 | 税金及附加费用
 |  |  | 30299 | 其他商品和服务支出 | 9.45
人员经费合计 |  | 6,398.07 | 公用经费合计 |  |  |  | 705.31
注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。
"""

T07 = """\
一般公共预算财政拨款“三公”经费支出决算表
公开07表
部门：中共深圳市委政法委员会
单位：万元
预算数 | > | > | > | > | > | 决算数 | > | > | > | > | >
合计 | 因公出国 (境) 费 | 公务用车购置及运行费 | > | > | 公务接待 费 | 合计 | 因公出国 (境) 费 | 公务用车购置及运行费 | > | > | 公务接待费
^ | ^ | 小计 | 公务用车\\n购置费 | 公务用车\\n运行费 | ^ | ^ | ^ | 小计 | 公务用车\\n购置费 | 公务用车\\n运行费 | ^
1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12
116.27 | 28.46 | 40 | | 40 | 47.81 | 81.55 | 28.46 | 39.46 | | 39.46 | 13.63
注：本表反映部门本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，反映按规定程序调整后的预算数；决算数是包括当年一般公共预算财政拨款和以前年度结转资金安排的实际支出。
"""

T08 = """\
政府性基金预算财政拨款收入支出决算表
公开08表
单位：万元
部门：中共深圳市委政法委员会
项 目 | > | 年初结转和结 余 | 本年收入 | 本年支出 | > | > | 年末结转和结余
功能分类科目编码 | 科目名 称 | ^ | ^ | 小计 | 基本支出 | 项目支出 | ^
栏次 | > | 1 | 2 | 3 | 4 | 5 | 6
合计 | > | 0 | 0 | 0 | 0 | 0 | 0
注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。
"""

NARRATIVE = """\
三、中共深圳市委政法委员会 2019 年度部门决算情况说明

(一) 收入支出决算总体情况说明
2019 年度中共深圳市委政法委员会年初结转和结余 391.26 万元，本年收入 17,820.76 万元，本年支出 17,820.76 万元，用事业基金弥补收支 0 万元，结余分配 0 万元，年末结转和结余 391.26 万元。
(七)一般公共预算财政拨款“三公”经费支出决算情况说明
2019 年度中共深圳市委政法委员会“三公经费”财政拨款支出共 116.27 万元，具体情况如下：
（1）研究（执法督查）业务（新）绩效自评综述：根据年初设定的目标，项目自评得分 98.42 分。项目全年预算数 385.68 万元，执行数 385.68 万元，预算执行率 100%。
"""


def _table(text: str, name: str = "表") -> DTable:
    read = read_sheet_d(parse(text, name))
    assert read is not None, "not read as form D"
    assert read.status == "form", read.reason
    assert read.family == "final_accounts"
    assert isinstance(read.form, DTable)
    return read.form


def _at(table: DTable, key: str, column: str, side: str = "") -> tuple[float | None, str]:
    f = table.value(key, column, side)
    assert f is not None, (key, column, side)
    return f.value, f.cell


def test_01_two_sides() -> None:
    t = _table(T01)
    assert (t.number, t.unit, t.name) == (1, "万元", "公开01表 收入支出决算总表")
    assert t.department is not None and t.department.value == "中共深圳市委政法委员会"
    assert t.mark is not None and t.mark.cell == "A2"
    assert t.unit_ref is not None and t.unit_ref.address == "F3"
    assert set(t.columns) == {"income.amount", "expenditure.amount"}
    assert t.columns["income.amount"].cell == "C5"
    assert t.columns["expenditure.amount"].cell == "F5"
    total = t.value("本年收入合计", "amount", "income")
    assert total is not None and total.value == pytest.approx(178207600)
    assert (total.cell, total.decimals, total.scale, total.text) == ("C30", 2, 0.0001, "17820.76")
    assert _at(t, "本年支出合计", "amount", "expenditure") == (pytest.approx(178207600), "F30")
    assert _at(t, "一般公共预算财政拨款收入", "amount", "income") == (
        pytest.approx(169407600),
        "C7",
    )
    assert _at(t, "其他收入", "amount", "income") == (pytest.approx(8800000), "C13")
    assert _at(t, "政府性基金预算财政拨款收入", "amount", "income")[0] is None  # blank
    # 类 rows by code
    assert _at(t, "201", "amount", "expenditure") == (pytest.approx(134383200), "F7")
    assert _at(t, "221", "amount", "expenditure") == (pytest.approx(15417300), "F25")
    assert _at(t, "202", "amount", "expenditure")[0] is None
    r201 = t.row("201", "expenditure")
    assert r201 is not None and r201.label.value == "一、一般公共服务支出" and r201.code is None
    assert r201.line is not None and r201.line.value == "29" and r201.level == 1
    assert _at(t, "年初结转和结余", "amount", "income") == (pytest.approx(3912600), "C32")
    assert _at(t, "年末结转和结余", "amount", "expenditure") == (pytest.approx(3912600), "F32")
    assert _at(t, "总计", "amount", "income")[0] == pytest.approx(182120200)
    assert _at(t, "总计", "amount", "expenditure")[0] == pytest.approx(182120200)
    assert t.row("结余分配", "expenditure") is not None
    # rows with only a 行次 are skipped: 8–23 and 27 on the income side
    income = t.side("income")
    assert [r.line.value for r in income if r.line] == [
        *map(str, range(1, 8)),
        "24",
        "25",
        "26",
        "28",
    ]
    assert len(t.side("expenditure")) == 22 + 4
    assert {r.side for r in t.rows} == {"income", "expenditure"}


def test_02_blank_and_zero_and_codes() -> None:
    t = _table(T02)
    assert t.number == 2 and set(t.columns) == set(TABLE_COLUMNS[2])
    assert t.columns["affiliated"].cell == "H5"
    assert _at(t, "合计", "total") == (pytest.approx(178207600), "C8")
    zero = t.value("合计", "superior")
    assert zero is not None and zero.value == 0.0 and zero.text == "0.00" and not zero.blank
    blank = t.value("201", "superior")
    assert blank is not None and blank.value is None and blank.blank and blank.cell == "E9"
    assert _at(t, "201", "other") == (pytest.approx(8800000), "I9")
    levels = {k: t.row(k).level for k in ("201", "20136", "2013601", "合计")}  # type: ignore[union-attr]
    assert levels == {"201": 1, "20136": 2, "2013601": 3, "合计": 0}
    r = t.row("2013601")
    assert r is not None and r.code is not None and r.code.value == "2013601"
    assert r.label.value == "行政运行" and r.label.cell == "B11"
    assert _at(t, "2080501", "fiscal")[0] == pytest.approx(4022200)
    assert len(t.rows) == 31
    assert t.rows[0].key == "合计" and t.rows[0].label.cell == "A8"


def test_03_columns() -> None:
    t = _table(T03)
    assert set(t.columns) == set(TABLE_COLUMNS[3])
    assert _at(t, "合计", "basic") == (pytest.approx(71033700), "D8")
    assert _at(t, "合计", "project")[0] == pytest.approx(107173900)
    assert t.value("2013601", "project").value == 0.0  # type: ignore[union-attr]
    assert t.value("2013699", "basic").value is None  # type: ignore[union-attr]
    assert len(t.rows) == 31


def test_04_two_sides() -> None:
    t = _table(T04)
    assert set(t.columns) == {
        "income.amount",
        "expenditure.total",
        "expenditure.general",
        "expenditure.fund",
    }
    carry = t.value("年初财政拨款结转和结余", "amount", "income")
    assert carry is not None and carry.value == pytest.approx(3676500) and carry.cell == "C32"
    assert _at(t, "一般公共预算财政拨款", "amount", "income") == (pytest.approx(169407600), "C8")
    # 26/27: the parts of 年初财政拨款结转和结余, keyed under it
    assert _at(t, "年初财政拨款结转和结余.一般公共预算财政拨款", "amount", "income") == (
        pytest.approx(3676500),
        "C33",
    )
    assert _at(t, "年初财政拨款结转和结余.政府性基金预算财政拨款", "amount", "income")[0] == 0.0
    assert _at(t, "201", "general", "expenditure") == (pytest.approx(125583200), "G8")
    assert _at(t, "201", "fund", "expenditure")[0] is None
    assert _at(t, "本年支出合计", "total", "expenditure") == (pytest.approx(169407600), "F31")
    assert _at(t, "年末财政拨款结转和结余", "general", "expenditure")[0] == pytest.approx(3676500)
    assert _at(t, "总计", "fund", "expenditure") == (0.0, "H36")
    assert _at(t, "总计", "amount", "income")[0] == pytest.approx(173084200)


def test_05_subtotal_basic_project() -> None:
    t = _table(T05)
    assert set(t.columns) == set(TABLE_COLUMNS[5])
    assert t.columns["total"].text == "小计"
    assert _at(t, "合计", "total") == (pytest.approx(169407600), "C8")
    assert _at(t, "合计", "basic") == (pytest.approx(71033700), "D8")
    assert _at(t, "合计", "project") == (pytest.approx(98373900), "E8")
    assert _at(t, "229", "total")[0] == 0.0
    assert _at(t, "229", "basic")[0] is None
    assert t.row("2299901") is not None


def test_06_three_groups() -> None:
    t = _table(T06)
    assert set(t.columns) == {"amount", "amount.2", "amount.3"}
    assert _at(t, "301", "amount") == (pytest.approx(58159200), "C6")
    assert _at(t, "302", "amount") == (pytest.approx(7024900), "F6")
    assert _at(t, "310", "amount") == (pytest.approx(28200), "I9")
    assert _at(t, "30106", "amount")[0] is None
    assert _at(t, "30299", "amount") == (pytest.approx(94500), "F33")
    assert _at(t, "人员经费合计", "amount") == (pytest.approx(63980700), "C34")
    assert _at(t, "公用经费合计", "amount") == (pytest.approx(7053100), "H34")
    assert {r.side for r in t.rows} == {""}
    assert len([r for r in t.rows if r.code is not None]) == 26 + 28 + 25


def test_07_horizontal() -> None:
    t = _table(T07)
    assert t.number == 7
    assert {r.key for r in t.rows} == set(THREE_PUBLIC_ITEMS)
    assert set(t.columns) == {"budget", "final"}
    assert _at(t, "total", "budget") == (pytest.approx(1162700), "A9")
    assert _at(t, "total", "final") == (pytest.approx(815500), "G9")
    assert _at(t, "abroad", "final")[0] == pytest.approx(284600)
    assert _at(t, "car", "budget") == (pytest.approx(400000), "C9")
    assert _at(t, "car_purchase", "budget") == (None, "D9")
    assert _at(t, "car_purchase", "final") == (None, "J9")
    assert _at(t, "car_run", "final") == (pytest.approx(394600), "K9")
    assert _at(t, "reception", "budget") == (pytest.approx(478100), "F9")
    assert _at(t, "reception", "final") == (pytest.approx(136300), "L9")
    car = t.row("car")
    assert car is not None and car.label.value == "公务用车购置及运行费"


def test_08_all_zero() -> None:
    t = _table(T08)
    assert set(t.columns) == set(TABLE_COLUMNS[8])
    row = t.row("合计")
    assert row is not None and set(row.values) == set(TABLE_COLUMNS[8])
    assert all(f.value == 0.0 for f in row.values.values())
    assert row.values["carry_out"].cell == "H8"
    assert t.columns["total"].text == "小计"


VERTICAL_07 = """\
“三公”经费支出情况表
单位：元
部门：某某局
项 目 | 上年决算数 | 本年决算数 | 增减金额 | 增减幅度
合 计 | 125,000.00 | 100,000.00 | -25,000.00 | -20.00%
1.因公出国（境）费 | 25,000.00 | 0.00 | -25,000.00 | -100.00%
2.公务用车购置及运行费 | 60,000.00 | 60,000.00 | 0.00 | 0.00%
(1)公务用车购置费 | | | |
(2)公务用车运行维护费 | 60,000.00 | 60,000.00 | 0.00 | 0.00%
3.公务接待费 | 40,000.00 | 40,000.00 | 0.00 | 0.00%
"""

VERTICAL_07_BUDGET = """\
公开07表
2019年度“三公”经费支出决算表
单位：万元
项  目 | 行次 | 本年预算数 | 其中：公共预算财政拨款 | 本年决算数
合计 | 1 | 116.27 | 116.27 | 81.55
因公出国（境）费 | 2 | 28.46 | 28.46 | 28.46
公务用车购置及运行费 | 3 | 40.00 | 40.00 | 39.46
其中：公务用车购置费 | 4 | 0.00 | 0.00 | 0.00
公务用车运行费 | 5 | 40.00 | 40.00 | 39.46
公务接待费 | 6 | 47.81 | 47.81 | 13.63
"""

BUDGET_ONLY_07 = """\
“三公”经费预算表
单位：万元
项目 | 预算数
合计 | 116.27
因公出国(境)费 | 28.46
公务用车购置及运行费 | 40
公务接待费 | 47.81
"""


def test_07_vertical_with_rates() -> None:
    t = _table(VERTICAL_07)
    assert (t.number, t.unit, t.mark) == (7, "元", None)
    assert set(t.columns) == {"prior", "current", "change", "change_rate"}
    assert set(t.columns) <= set(THREE_PUBLIC_MEASURES)
    assert [r.key for r in t.rows] == [
        "total",
        "abroad",
        "car",
        "car_purchase",
        "car_run",
        "reception",
    ]
    assert _at(t, "total", "prior") == (pytest.approx(125000), "B5")
    assert _at(t, "total", "current")[0] == pytest.approx(100000)
    rate = t.value("total", "change_rate")
    assert rate is not None and rate.value == pytest.approx(-0.2) and rate.cell == "E5"
    assert _at(t, "abroad", "change_rate")[0] == pytest.approx(-1.0)
    assert _at(t, "car_purchase", "current") == (None, "C8")
    assert _at(t, "car_run", "prior")[0] == pytest.approx(60000)
    row = t.row("car_run")
    assert row is not None and row.label.value == "(2)公务用车运行维护费"


def test_07_vertical_budget_fiscal_final() -> None:
    t = _table(VERTICAL_07_BUDGET)
    assert t.number == 7 and t.mark is not None
    assert set(t.columns) == {"budget", "budget_fiscal", "current"}
    assert _at(t, "total", "budget") == (pytest.approx(1162700), "C5")
    assert _at(t, "total", "budget_fiscal")[0] == pytest.approx(1162700)
    assert _at(t, "car_run", "current") == (pytest.approx(394600), "E9")
    assert _at(t, "car_purchase", "budget")[0] == 0.0
    row = t.row("reception")
    assert row is not None and row.line is not None and row.line.value == "6"
    t2 = _table(BUDGET_ONLY_07)
    assert set(t2.columns) == {"budget"}
    assert _at(t2, "car", "budget")[0] == pytest.approx(400000)
    assert t2.row("car_purchase") is None


T03_YUAN = """\
支出决算表
公开 03 表
部门：某某局 | | | | | 单位：元
项 目 | > | 本年支出合计 | 基本支出 | 项目支出 | 上缴上级支出 | 经营支出 | 对附属单位补助支出
功能分类科目编码 | 科目名称 | ^ | ^ | ^ | ^ | ^ | ^
合计 | > | 178,207,600.00 | 71,033,700.00 | 107,173,900.00 | 0.00 | 0.00 | 0.00
'201 | 一般公共服务支出 | 134,383,200.00 | 49,408,800.00 | 84,974,400.00 | | |
'2013601 | 行政运行 | 49,408,800.00 | 49,408,800.00 | 0.00 | | |
"""


def test_table_in_yuan_with_text_codes() -> None:
    t = _table(T03_YUAN)
    assert t.unit == "元" and t.department is not None and t.department.value == "某某局"
    total = t.value("合计", "total")
    assert total is not None and total.value == pytest.approx(178207600) and total.scale == 1.0
    r = t.row("2013601")
    assert r is not None and r.level == 3 and r.code is not None and r.code.raw == "2013601"
    assert _at(t, "201", "project") == (pytest.approx(84974400), "E7")


def _moved(text: str, cols: int = 2, rows: int = 3) -> str:
    """The table shifted right by ``cols`` columns and down by ``rows`` rows."""
    lines = text.splitlines()
    out = [""] * rows
    for line in lines:
        out.append(("|" * cols + line) if line.strip() else "")
    return "\n".join(out) + "\n"


def test_moved_block_and_spaced_labels() -> None:
    spaced = (
        T05.replace("合计 |", "合 计 |", 1)
        .replace("| 基本支出 |", "| 基 本 支 出 |")
        .replace("功能分类科目编码", "功能分类\\n科目编码")
        .replace("公开05表", "公开 05 表")
    )
    lines = spaced.splitlines()
    lines.insert(10, "")  # a blank row among the data rows
    t = _table(_moved("\n".join(lines)))
    assert t.number == 5 and t.mark is not None and t.mark.cell == "C5"
    assert _at(t, "合计", "basic") == (pytest.approx(71033700), "F11")
    assert _at(t, "201", "total") == (pytest.approx(125583200), "E12")
    assert t.row("2299901") is not None
    assert len(t.rows) == 34


def test_title_alone_gives_the_number() -> None:
    t = _table(T02.replace("公开02表\n", ""))
    assert t.number == 2 and t.mark is None and t.title is not None
    assert t.name == "公开02表 收入决算表"
    t4 = _table(T04.replace("公开04表\n", ""))
    assert t4.number == 4  # 财政拨款收入支出决算总表, not 收入支出决算总表


def test_not_form_d() -> None:
    assert read_sheet_d(parse("姓名 | 年龄\n张三 | 30\n", "名单")) is None
    form_s = """\
项目支出绩效自评表
项目名称 | 综合服务工作 | | 项目金额 | 987000.00
主管部门 | 某某局 | | 实施单位 | 某某局
项目资金（元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
| 年度资金总额 | 987000.00 | 987000.00 | 969188.11 | 10 | 0.98 | 9.80
年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分
| 产出指标 | 数量指标 | 举办培训 | 30 期 | 24 期 | 10 | 8.0
"""
    assert read_sheet_d(parse(form_s, "S")) is None


def test_header_without_data_is_unrecognized() -> None:
    read = read_sheet_d(parse("收入决算表\n公开02表\n单位：万元\n", "空表"))
    assert read is not None and read.status == "unrecognized"
    assert read.reason.startswith("版式未识别") and "公开02表" in read.reason


def test_several_tables_on_one_sheet_are_unrecognized() -> None:
    read = read_sheet_d(parse(T02 + "\n" + T03, "两表"))
    assert read is not None and read.status == "unrecognized"
    assert "公开02表" in read.reason and "公开03表" in read.reason


def test_narrative_paragraphs() -> None:
    sheet = parse(NARRATIVE, "情况说明")
    paras = narrative_paragraphs(sheet)
    assert len(paras) == 6
    assert paras[0][0] is not None and paras[0][0].address == "A1"
    assert paras[0][1].endswith("决算情况说明")
    assert paras[3][1].startswith("(七)")
    assert "116.27" in paras[4][1]


def test_narrative_sheet_is_a_narrative_part() -> None:
    from budgetlint.model_d import NarrativePart

    read = read_sheet_d(parse(NARRATIVE, "情况说明"))
    assert read is not None and read.status == "form" and read.family == "final_accounts"
    part = read.form
    assert isinstance(part, NarrativePart)
    assert part.heading is not None and part.heading.cell == "A1"
    assert part.narrative is not None and len(part.narrative.paragraphs) == 6
    assert len(part.narrative.summaries) == 1
    assert part.start is not None and part.start.address == "A1"


def test_formula_cells_are_copied() -> None:
    sheet = parse(T08.replace("合计 | > | 0 | 0 | 0 |", "合计 | > | 0 | 0 | {=F8+G8} |"), "公开08")
    t = _table_from(sheet)
    assert [r.address for r in t.uncached_formulas] == ["E8"]


def _table_from(sheet) -> DTable:  # type: ignore[no-untyped-def]
    read = read_sheet_d(sheet)
    assert read is not None and isinstance(read.form, DTable)
    return read.form


@pytest.mark.skipif(not EXAMPLE.exists(), reason="the form-D example workbook is not built")
def test_example_workbook() -> None:
    from budgetlint.hosts import read_workbook
    from budgetlint.model_d import NarrativePart

    grid = read_workbook(EXAMPLE)
    assert len(grid.sheets) == 9
    reads = [read_sheet_d(s) for s in grid.sheets]
    assert all(r is not None and r.status == "form" for r in reads), [
        (r.sheet, r.reason) for r in reads if r is not None and r.status != "form"
    ]
    tables = {r.form.number: r.form for r in reads if r is not None and isinstance(r.form, DTable)}
    assert sorted(tables) == list(range(1, 9))
    for n, table in tables.items():
        assert table.sheet == f"公开{n:02d}表" and table.unit == "万元"
        assert not any(r.key.startswith("行") for r in table.rows), n
    parts = [r.form for r in reads if r is not None and isinstance(r.form, NarrativePart)]
    assert len(parts) == 1 and parts[0].narrative is not None
    assert len(parts[0].narrative.summaries) == 32
    assert tables[1].value("本年收入合计", "amount", "income").value == pytest.approx(178207600)  # type: ignore[union-attr]
    assert tables[2].value("201", "superior").value is None  # type: ignore[union-attr]
    assert tables[2].value("合计", "superior").value == 0.0  # type: ignore[union-attr]
    assert tables[4].value("年初财政拨款结转和结余", "amount", "income").value == pytest.approx(
        3676500
    )  # type: ignore[union-attr]
    assert tables[5].value("合计", "project").value == pytest.approx(98373900)  # type: ignore[union-attr]
    t6 = tables[6]
    assert t6.value("301", "amount").value == pytest.approx(58159200)  # type: ignore[union-attr]
    assert t6.value("310", "amount").value == pytest.approx(28200)  # type: ignore[union-attr]
    assert t6.value("人员经费合计", "amount").value == pytest.approx(63980700)  # type: ignore[union-attr]
    assert t6.value("公用经费合计", "amount").value == pytest.approx(7053100)  # type: ignore[union-attr]
    t7 = tables[7]
    assert t7.value("total", "budget").value == pytest.approx(1162700)  # type: ignore[union-attr]
    assert t7.value("total", "final").value == pytest.approx(815500)  # type: ignore[union-attr]
    assert t7.value("car_purchase", "final").value is None  # type: ignore[union-attr]
    assert all(f.value == 0.0 for f in tables[8].row("合计").values.values())  # type: ignore[union-attr]


SPLIT_CODES = """\
支出决算表
公开03表
单位：元
项目 | > | > | > | 本年支出合计 | 基本支出 | 项目支出
科目编码 | > | > | 科目名称 | ^ | ^ | ^
类 | 款 | 项 | ^ | ^ | ^ | ^
合计 | > | > | > | 300.00 | 100.00 | 200.00
201 | | | 一般公共服务支出 | 300.00 | 100.00 | 200.00
201 | 36 | | 其他共产党事务支出 | 300.00 | 100.00 | 200.00
201 | 36 | 01 | 行政运行 | 100.00 | 100.00 |
201 | 36 | 99 | 其他共产党事务支出 | 200.00 | | 200.00
"""


def test_code_over_class_section_item_columns() -> None:
    t = _table(SPLIT_CODES)
    assert [r.key for r in t.rows] == ["合计", "201", "20136", "2013601", "2013699"]
    r = t.row("2013601")
    assert r is not None and r.level == 3 and r.code is not None
    assert (r.code.value, r.code.cell, r.label.value) == ("2013601", "A10", "行政运行")
    assert _at(t, "2013699", "project") == (pytest.approx(200), "G11")
    assert _at(t, "合计", "basic") == (pytest.approx(100), "F7")
