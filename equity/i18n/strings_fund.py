"""English and Chinese strings for the Transfer fund page and its charts (helper "simulator").

Every key has both languages; ``equity.i18n.t(key, lang, **kwargs)`` fills ``{placeholders}``.
Parameter labels, units and help come from ``equity.scenario.PARAMETERS``, not from here.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # page
    "tf.title": {"en": "Transfer fund simulator", "zh": "转移支付基金模拟器"},
    "tf.intro": {
        "en": "Set up a cross-regional transfer fund and see how the gap between {a} and {b} "
        "regions changes. Every setting lives in the page address, so a copied link "
        "reopens this exact scenario.",
        "zh": "设置跨地区转移支付基金，查看{a}与{b}之间的差距如何变化。所有设置都保存在页面地址中，"
        "复制链接即可重现当前方案。",
    },
    "tf.dataset": {"en": "Data: {name}", "zh": "数据：{name}"},
    "tf.controls": {"en": "Scenario", "zh": "方案设置"},
    "tf.group.financing": {"en": "Financing", "zh": "筹资"},
    "tf.group.allocation": {"en": "Allocation weights", "zh": "分配权重"},
    "tf.group.use": {"en": "Use and take-up", "zh": "资金用途与申领率"},
    "tf.group.target": {"en": "Target", "zh": "目标"},
    "tf.group.other": {"en": "Other settings", "zh": "其他设置"},
    "tf.group.allocation_help": {
        "en": "Weights are relative: only their proportions matter.",
        "zh": "权重是相对的：只有比例起作用。",
    },
    "tf.unit_suffix": {"en": "({unit})", "zh": "（{unit}）"},
    "tf.recipients.below_target": {
        "en": "Regions below the target coverage",
        "zh": "低于目标覆盖率的地区",
    },
    "tf.recipients.groups": {"en": "Only {group} regions", "zh": "仅{group}地区"},
    "tf.reset": {"en": "Reset to defaults", "zh": "恢复默认值"},
    # notices
    "tf.notice.url": {
        "en": "Some values in the link could not be used and were replaced by defaults: {items}",
        "zh": "链接中的部分数值无法使用，已改用默认值：{items}",
    },
    "tf.notice.url_item": {
        "en": "{label} = '{value}' → {default}",
        "zh": "{label}＝“{value}” → {default}",
    },
    "tf.notice.weights": {
        "en": "Every allocation weight is 0, which allocates nothing: the default weights "
        "(coverage shortfall only) are used until one weight is above 0.",
        "zh": "所有分配权重均为0，无法分配资金：在任一权重大于0之前，"
        "使用默认权重（仅按覆盖缺口）。",
    },
    "tf.notice.no_data": {
        "en": "No region data is loaded. Pick a dataset in the sidebar.",
        "zh": "尚未载入地区数据。请在侧栏选择数据集。",
    },
    "tf.notice.model_error": {
        "en": "The model could not run on this scenario: {message}",
        "zh": "模型无法按此方案运行：{message}",
    },
    # headline
    "tf.groups_gap": {
        "en": "the {a}–{b} gap in {indicator}",
        "zh": "{a}与{b}之间的{indicator}差距",
    },
    "tf.headline.zero": {
        "en": "No fund is set yet, so nothing changes: {gap} stays at {before}. "
        "Raise the central pool or another source to start.",
        "zh": "尚未设置基金，一切保持不变：{gap}仍为{before}。请提高中央调剂金或其他资金来源。",
    },
    "tf.headline.narrows": {
        "en": "A fund of {money} narrows {gap} from {before} to {after} "
        "and reaches {patients} more patients.",
        "zh": "{money}的基金使{gap}从{before}缩小到{after}，新增覆盖{patients}名患者。",
    },
    "tf.headline.reverses": {
        "en": "A fund of {money} closes {gap} and turns it around, from {before} to {after} "
        "({b} now ahead); it reaches {patients} more patients.",
        "zh": "{money}的基金消除了{gap}并使其反转，从{before}变为{after}（{b}反超）；"
        "新增覆盖{patients}名患者。",
    },
    "tf.headline.widens": {
        "en": "A fund of {money} widens {gap} from {before} to {after}; "
        "it reaches {patients} more patients.",
        "zh": "{money}的基金使{gap}从{before}扩大到{after}；新增覆盖{patients}名患者。",
    },
    "tf.headline.unchanged": {
        "en": "A fund of {money} leaves {gap} unchanged at {after}; "
        "it reaches {patients} more patients.",
        "zh": "{money}的基金未改变{gap}（仍为{after}）；新增覆盖{patients}名患者。",
    },
    "tf.headline.unspent": {
        "en": "{money} could not be used by any region and stays in reserve.",
        "zh": "{money}没有地区能够使用，留作储备。",
    },
    "tf.headline.losers": {
        "en": "{n} region(s) lose coverage through charity pooling.",
        "zh": "{n}个地区因慈善资金统筹而覆盖率下降。",
    },
    # tabs
    "tf.tab.results": {"en": "Results", "zh": "结果"},
    "tf.tab.money": {"en": "Money flow", "zh": "资金流向"},
    "tf.tab.measures": {"en": "Inequality measures", "zh": "不平等指标"},
    "tf.tab.protection": {"en": "Financial protection", "zh": "经济风险保护"},
    "tf.tab.goal": {"en": "Goal seek and optimum", "zh": "目标求解与最优分配"},
    "tf.tab.risk": {"en": "Sensitivity and uncertainty", "zh": "敏感性与不确定性"},
    "tf.tab.share": {"en": "Save and share", "zh": "保存与分享"},
    # metrics
    "tf.metric.gap_after": {"en": "Gap after", "zh": "实施后差距"},
    "tf.metric.newly_covered": {"en": "Newly covered patients", "zh": "新增覆盖患者"},
    "tf.metric.oop_saved": {"en": "Out-of-pocket saved", "zh": "减少的自付费用"},
    "tf.metric.cost_per_point": {"en": "Cost per point closed", "zh": "每缩小1个百分点的成本"},
    "tf.metric.not_applicable": {"en": "n/a", "zh": "不适用"},
    # charts: common
    "tf.before": {"en": "Before", "zh": "实施前"},
    "tf.after": {"en": "After", "zh": "实施后"},
    "tf.gains": {"en": "Gains", "zh": "上升"},
    "tf.loses": {"en": "Loses", "zh": "下降"},
    "tf.unchanged": {"en": "Unchanged", "zh": "不变"},
    "tf.points": {"en": "percentage points", "zh": "百分点"},
    "tf.percent_of_patients": {"en": "% of patients", "zh": "占患者的百分比"},
    "tf.chart.empty": {"en": "Nothing to show yet", "zh": "暂无可显示内容"},
    # before/after chart
    "tf.chart.before_after": {"en": "{indicator} by group, before and after",
                              "zh": "各组{indicator}：实施前后"},
    # winners/losers
    "tf.chart.region_change": {
        "en": "Change in {indicator} by region",
        "zh": "各地区{indicator}变化",
    },
    "tf.chart.region_change_limited": {
        "en": " ({n} largest rises and falls of {total} regions)",
        "zh": "（{total}个地区中升降幅度最大的各{n}个）",
    },
    "tf.chart.largest": {
        "en": " ({n} largest of {total} regions)",
        "zh": "（{total}个地区中金额最大的{n}个）",
    },
    "tf.chart.widest": {
        "en": " ({n} least certain of {total} regions)",
        "zh": "（{total}个地区中不确定性最大的{n}个）",
    },
    "tf.chart.region_change_axis": {
        "en": "Change (percentage points)",
        "zh": "变化（百分点）",
    },
    "tf.chart.map": {"en": "Change in {indicator} on the map", "zh": "{indicator}变化地图"},
    "tf.chart.map_schematic": {
        "en": " (schematic boundaries)",
        "zh": "（示意边界）",
    },
    "tf.chart.no_map": {
        "en": "This dataset has no region boundaries, so there is no map.",
        "zh": "该数据集没有地区边界，无法绘制地图。",
    },
    # money flow
    "tf.chart.money_flow": {
        "en": "Where the money comes from and where it goes ({total})",
        "zh": "资金来源与去向（{total}）",
    },
    "tf.flow.central_pool": {"en": "Central pool", "zh": "中央调剂金"},
    "tf.flow.levy": {"en": "Per-capita levy", "zh": "人均筹资"},
    "tf.flow.mutual_aid": {"en": "Mutual aid", "zh": "地区互助"},
    "tf.flow.charity_pooling": {"en": "Charity pooling", "zh": "慈善资金统筹"},
    "tf.flow.fund": {"en": "Transfer fund", "zh": "转移支付基金"},
    "tf.flow.overhead": {"en": "Administration", "zh": "管理费用"},
    "tf.flow.unspent": {"en": "Unspent reserve", "zh": "未使用储备"},
    "tf.flow.others": {"en": "{n} other regions", "zh": "其他{n}个地区"},
    "tf.flow.empty": {
        "en": "No money flows: every source is zero.",
        "zh": "没有资金流动：所有来源均为零。",
    },
    "tf.flow.accounting": {
        "en": "Gross {gross} = administration {overhead} + allocated {allocated} "
        "+ unspent reserve {unspent}.",
        "zh": "总额{gross} = 管理费用{overhead} + 已分配{allocated} + 未使用储备{unspent}。",
    },
    "tf.flow.donors": {"en": "Donor regions and what they give", "zh": "出资地区及其出资"},
    # measures
    "tf.measures.title": {
        "en": "HEAT inequality measures for {indicator}, before and after",
        "zh": "{indicator}的HEAT不平等指标：实施前后",
    },
    "tf.measures.col.measure": {"en": "Measure", "zh": "指标"},
    "tf.measures.col.name": {"en": "Name", "zh": "名称"},
    "tf.measures.col.before": {"en": "Before", "zh": "实施前"},
    "tf.measures.col.after": {"en": "After", "zh": "实施后"},
    "tf.measures.col.change": {"en": "Change", "zh": "变化"},
    "tf.measures.col.direction": {"en": "Direction", "zh": "方向"},
    "tf.measures.col.reading": {"en": "What it means", "zh": "含义"},
    "tf.measures.more_equal": {"en": "more equal", "zh": "更平等"},
    "tf.measures.less_equal": {"en": "less equal", "zh": "更不平等"},
    "tf.measures.same": {"en": "no change", "zh": "无变化"},
    "tf.measures.not_applicable": {"en": "does not apply", "zh": "不适用"},
    "tf.measures.summary": {
        "en": "Of the {total} measures that apply, {better} read more equal after the fund, "
        "{worse} less equal and {same} unchanged.",
        "zh": "在适用的{total}个指标中，实施后{better}个显示更平等，"
        "{worse}个更不平等，{same}个不变。",
    },
    "tf.measures.caption": {
        "en": "Measures on the 0-1 scale of the indicator, across regions weighted by "
        "patients; 0 means perfect equality (1 for the ratios R and RII).",
        "zh": "指标以0-1计，按地区计算并以患者数加权；0表示完全平等（比值R和RII为1）。",
    },
    # goal seek
    "tf.goal.title": {
        "en": "What does it take to bring the gap under a target?",
        "zh": "要把差距降到目标以下需要多少资金？",
    },
    "tf.goal.target": {"en": "Target gap (percentage points)", "zh": "目标差距（百分点）"},
    "tf.goal.lever": {"en": "Lever to adjust", "zh": "调整的参数"},
    "tf.goal.button": {"en": "Find the amount", "zh": "求解"},
    "tf.goal.running": {"en": "Searching…", "zh": "正在求解…"},
    "tf.goal.reachable": {
        "en": "Reachable: with {lever} at {value}, the gap falls to {gap} "
        "(target: under {target} points), all other settings as they are.",
        "zh": "可以实现：{lever}为{value}时，差距降至{gap}（目标：低于{target}个百分点），"
        "其他设置不变。",
    },
    "tf.goal.unreachable": {
        "en": "Not reachable: no {lever} brings the gap under {target} points with the other "
        "settings as they are. The smallest gap is {best} (at {value}); once every recipient "
        "region is full, more money changes nothing. Widen the recipients, or raise the "
        "maximum coverage or the take-up.",
        "zh": "无法实现：在其他设置不变时，任何{lever}都不能使差距低于{target}个百分点。"
        "可达到的最小差距为{best}（{value}时）；受助地区全部达到上限后，增加资金不再起作用。"
        "请扩大受助范围，或提高最高覆盖率或申领率。",
    },
    "tf.goal.already": {
        "en": "The target is already met without any {lever}: the gap is {gap}.",
        "zh": "无需{lever}即已达到目标：差距为{gap}。",
    },
    "tf.goal.failed": {
        "en": "Goal seeking could not run: {message}",
        "zh": "无法进行目标求解：{message}",
    },
    "tf.goal.apply": {"en": "Use this value", "zh": "采用此数值"},
    "tf.goal.stale": {
        "en": "The scenario changed since this answer; press the button again.",
        "zh": "方案已变化，请再次求解。",
    },
    # optimal allocation
    "tf.optimal.title": {
        "en": "Optimal allocation beside the formula's",
        "zh": "最优分配与公式分配对比",
    },
    "tf.optimal.chart_title": {
        "en": "Allocation by region: the formula's and the optimal",
        "zh": "各地区分配：公式分配与最优分配",
    },
    "tf.optimal.formula": {"en": "Formula", "zh": "公式分配"},
    "tf.optimal.optimal": {"en": "Optimal", "zh": "最优分配"},
    "tf.optimal.objective": {"en": "Objective", "zh": "优化目标"},
    "tf.optimal.min_gap": {"en": "Smallest group gap", "zh": "组间差距最小"},
    "tf.optimal.max_min": {"en": "Best-off for the worst-off region", "zh": "最弱地区最优"},
    "tf.optimal.axis": {"en": "Allocation", "zh": "分配金额"},
    "tf.optimal.summary": {
        "en": "With the same money, the formula leaves a gap in {indicator} of {formula}; "
        "the optimal allocation leaves {optimal}.",
        "zh": "同样的资金下，按公式分配{indicator}差距为{formula}；最优分配差距为{optimal}。",
    },
    "tf.optimal.no_fund": {
        "en": "Set a fund above zero to compare allocations.",
        "zh": "请先设置大于零的基金，再比较分配方式。",
    },
    # sensitivity
    "tf.tornado.title": {
        "en": "Which setting moves the gap most (amounts ±{pct}, shares ±{points} points, "
        "weights ±{step})",
        "zh": "哪个设置对差距影响最大（金额±{pct}，比例±{points}个百分点，权重±{step}）",
    },
    "tf.tornado.running": {"en": "Moving each setting…", "zh": "正在逐项调整设置…"},
    "tf.tornado.axis": {"en": "Gap after (percentage points)", "zh": "实施后差距（百分点）"},
    "tf.tornado.low": {"en": "Setting lower", "zh": "设置调低"},
    "tf.tornado.high": {"en": "Setting higher", "zh": "设置调高"},
    "tf.tornado.base": {"en": "This scenario: {gap}", "zh": "当前方案：{gap}"},
    # uncertainty
    "tf.unc.title": {
        "en": "Uncertainty: {indicator} after, by region ({draws} draws)",
        "zh": "不确定性：各地区实施后{indicator}（{draws}次抽样）",
    },
    "tf.unc.draws": {"en": "Monte Carlo draws", "zh": "蒙特卡洛抽样次数"},
    "tf.unc.button": {"en": "Run the uncertainty analysis", "zh": "运行不确定性分析"},
    "tf.unc.running": {"en": "Running {draws} draws…", "zh": "正在运行{draws}次抽样…"},
    "tf.unc.band90": {"en": "90% of draws", "zh": "90%的抽样"},
    "tf.unc.band50": {"en": "50% of draws", "zh": "50%的抽样"},
    "tf.unc.median": {"en": "Median", "zh": "中位数"},
    "tf.unc.summary": {
        "en": "In 90% of draws the gap after lies between {p5} and {p95} (median {p50}).",
        "zh": "90%的抽样中，实施后差距在{p5}至{p95}之间（中位数{p50}）。",
    },
    "tf.unc.stale": {
        "en": "Results below are for an earlier scenario; run again to update.",
        "zh": "以下结果对应此前的方案；请重新运行以更新。",
    },
    # save and share
    "tf.share.link": {
        "en": "To share this scenario, copy the address in your browser's address bar: it holds "
        "every setting that differs from the defaults. Opening it reproduces this page.",
        "zh": "分享此方案：复制浏览器地址栏中的地址即可，它包含所有与默认值不同的设置。"
        "打开该链接即可重现本页面。",
    },
    "tf.share.query": {
        "en": "The link to this view (copy it with the button on the right):",
        "zh": "当前视图的链接（点击右侧按钮复制）：",
    },
    "tf.share.defaults": {
        "en": "All settings are at their defaults.",
        "zh": "所有设置均为默认值。",
    },
    "tf.share.download": {"en": "Download scenario (JSON)", "zh": "下载方案（JSON）"},
    "tf.share.upload": {"en": "Load a scenario file (JSON)", "zh": "载入方案文件（JSON）"},
    "tf.share.loaded": {"en": "Scenario {name} loaded.", "zh": "已载入方案{name}。"},
    "tf.share.bad_file": {
        "en": "The scenario file {name} could not be used:",
        "zh": "方案文件{name}无法使用：",
    },
    "tf.share.adjusted": {
        "en": "{label}: {value} is not offered on this page for this data; using {default}.",
        "zh": "{label}：{value}在本页面（当前数据）中不可用，改用{default}。",
    },
    "tf.share.compare_missing": {
        "en": "The groups compared in the file ({column}: {a} vs {b}) are not in this data; "
        "the sidebar's groups are kept.",
        "zh": "文件中的比较组（{column}：{a}与{b}）不在当前数据中，保留侧栏中的比较组。",
    },
    "tf.share.not_text": {
        "en": "the file is not UTF-8 text",
        "zh": "文件不是UTF-8文本",
    },
    # financial protection tab
    "tf.prot.intro": {
        "en": "How the fund changes catastrophic out-of-pocket spending: the share of patients "
        "whose out-of-pocket spending in a year exceeds a share of their household income, "
        "region by region, before and after the fund.",
        "zh": "基金如何改变灾难性自付医疗支出：各地区在实施基金前后，"
        "全年自付医疗费用超过家庭收入一定比例的患者所占比例。",
    },
    "tf.prot.threshold": {
        "en": "Catastrophic above (share of household income)",
        "zh": "灾难性支出标准（占家庭收入的比例）",
    },
    "tf.prot.threshold_help": {
        "en": "Out-of-pocket spending counts as catastrophic when it exceeds this share of the "
        "household's annual income (10%, 25% and 40% are the usual thresholds).",
        "zh": "自付医疗费用超过家庭年收入的这一比例即视为灾难性支出"
        "（常用标准为10%、25%和40%）。",
    },
    "tf.prot.poverty_line": {
        "en": "Poverty line (yuan per household per year)",
        "zh": "贫困线（元/户/年）",
    },
    "tf.prot.poverty_help": {
        "en": "Illustrative: no source document gives a line. A patient is pushed below it when "
        "the household's income is at or above the line and income minus out-of-pocket "
        "spending is below it.",
        "zh": "仅作示意：文献未给出贫困线。家庭收入不低于贫困线、"
        "但扣除自付医疗费用后低于贫困线的患者，计为因病致贫。",
    },
    "tf.prot.running": {"en": "Simulating patients…", "zh": "正在模拟患者……"},
    "tf.prot.headline.falls": {
        "en": "With the fund, the share of patients whose out-of-pocket spending exceeds "
        "{threshold} of household income falls from {before} to {after} (patient-weighted).",
        "zh": "实施基金后，自付医疗费用超过家庭收入{threshold}的患者比例从{before}降至{after}"
        "（按患者人数加权）。",
    },
    "tf.prot.headline.rises": {
        "en": "With the fund, the share of patients whose out-of-pocket spending exceeds "
        "{threshold} of household income rises from {before} to {after} (patient-weighted).",
        "zh": "实施基金后，自付医疗费用超过家庭收入{threshold}的患者比例从{before}升至{after}"
        "（按患者人数加权）。",
    },
    "tf.prot.headline.unchanged": {
        "en": "With the fund, the share of patients whose out-of-pocket spending exceeds "
        "{threshold} of household income stays at {before} (patient-weighted).",
        "zh": "实施基金后，自付医疗费用超过家庭收入{threshold}的患者比例保持在{before}"
        "（按患者人数加权）。",
    },
    "tf.prot.headline.zero": {
        "en": "No fund is set yet: {before} of patients spend more than {threshold} of "
        "household income out of pocket (patient-weighted).",
        "zh": "尚未设置基金：{before}的患者自付医疗费用超过家庭收入的{threshold}"
        "（按患者人数加权）。",
    },
    "tf.prot.impoverished": {
        "en": "Pushed below the poverty line of {line} per household per year (illustrative): "
        "{before} of patients before the fund, {after} after.",
        "zh": "因病致贫（贫困线为每户每年{line}，仅作示意）：实施基金前占患者的{before}，"
        "实施后{after}。",
    },
    "tf.prot.chart.title": {
        "en": "Patients spending more than {threshold} of household income out of pocket",
        "zh": "自付医疗费用超过家庭收入{threshold}的患者比例",
    },
    "tf.prot.chart.axis": {"en": "% of the region's patients", "zh": "占本地区患者的百分比"},
    "tf.prot.chart.limited": {
        "en": " — the {n} regions with the largest change of {total}",
        "zh": "（{total}个地区中变化最大的{n}个）",
    },
    "tf.prot.col.region": {"en": "Region", "zh": "地区"},
    "tf.prot.col.patients": {"en": "Patients", "zh": "患者数"},
    "tf.prot.col.before": {"en": "Before (%)", "zh": "实施前（%）"},
    "tf.prot.col.after": {"en": "After (%)", "zh": "实施后（%）"},
    "tf.prot.col.change": {"en": "Change (points)", "zh": "变化（百分点）"},
    "tf.prot.col.impoverished_before": {
        "en": "Impoverished before (%)",
        "zh": "因病致贫·前（%）",
    },
    "tf.prot.col.impoverished_after": {
        "en": "Impoverished after (%)",
        "zh": "因病致贫·后（%）",
    },
    "tf.prot.table_caption": {
        "en": "Before / after: the share of the region's patients whose out-of-pocket spending "
        "exceeds {threshold} of household income. Impoverished: the share pushed below the "
        "poverty line. Every region is listed.",
        "zh": "实施前/后：本地区自付医疗费用超过家庭收入{threshold}的患者比例。"
        "因病致贫：被推至贫困线以下的患者比例。表格列出所有地区。",
    },
    "tf.prot.notes": {"en": "Assumptions", "zh": "假设说明"},
    "tf.prot.note.simulated": {
        "en": "Patients are simulated from each region's figures: annual cost is lognormal with "
        "the region's mean cost per patient and spread (sigma of ln cost) {cost_sigma}; household "
        "income is lognormal with the region's median household income and spread {income_sigma}. "
        "The spreads are illustrative: the documents give none. The same simulated patients are "
        "used before and after, so a difference is the fund's.",
        "zh": "按各地区数据模拟患者：年医疗费用服从对数正态分布，均值为该地区人均费用，离散度"
        "（ln费用的标准差）为{cost_sigma}；家庭收入服从对数正态分布，中位数为该地区家庭收入中位数，"
        "离散度为{income_sigma}。离散度仅作示意，文献未给出。实施前后使用同一批模拟患者，"
        "因此差异完全来自基金。",
    },
    "tf.prot.note.oop": {
        "en": "Out-of-pocket spending follows the charity model: a patient's liability is a "
        "fixed share of their own cost, and the patients the charity covers pay the liability "
        "minus the subsidy (never below 0). Exactly the region's coverage share of patients is "
        "covered, and a patient covered before stays covered after.",
        "zh": "自付费用按慈善救助模型计算：患者应付部分为其本人费用的固定比例，"
        "获得慈善救助的患者再扣减救助金额（不低于0）。受助患者人数恰为该地区覆盖率乘以患者数，"
        "实施前已受助的患者实施后仍受助。",
    },
    "tf.prot.note.income_default": {
        "en": "The data has no household income column, so every region uses a median household "
        "income of {median} per year, derived so that about 60% of patient households earn "
        "under 30,000 yuan (003 III(II)) at income spread {income_sigma}.",
        "zh": "数据中没有家庭收入一列，因此所有地区的家庭年收入中位数均取{median}。"
        "该值的推算依据为：约60%的患者家庭年收入低于3万元（003 三（二）），"
        "收入离散度为{income_sigma}。",
    },
    "tf.prot.note.income_data": {
        "en": "Household income is the data's household_income column, read as each region's "
        "median.",
        "zh": "家庭收入取自数据中的household_income列，视为各地区的中位数。",
    },
    "tf.prot.note.draws": {
        "en": "Regions with more than {n} patients are estimated from {n} simulated patients.",
        "zh": "患者超过{n}人的地区以{n}名模拟患者估算。",
    },
    "tf.prot.note.poverty": {
        "en": "The poverty line ({line} per household per year) is illustrative; choose your own "
        "above.",
        "zh": "贫困线（每户每年{line}）仅作示意，可在上方自行设定。",
    },
    # indicator and group names
    "tf.indicator.charity_coverage": {"en": "charity coverage", "zh": "慈善救助覆盖率"},
    "tf.indicator.oop_share": {"en": "out-of-pocket share", "zh": "自付比例"},
    "tf.indicator.assistance_coverage": {"en": "assistance coverage", "zh": "医疗救助覆盖率"},
    "tf.area.urban": {"en": "urban", "zh": "城区"},
    "tf.area.suburban": {"en": "suburban", "zh": "郊区"},
    "tf.area.rural": {"en": "rural", "zh": "农村"},
    "tf.area.remote": {"en": "remote", "zh": "偏远地区"},
}
