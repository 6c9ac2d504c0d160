"""Strings of the dashboard shell: sidebar, Overview, Data and Methods pages, shared messages.

Each key maps to {"en": ..., "zh": ...}; ``{name}`` placeholders are filled by ``t(key, lang, ...)``
and must be the same in both languages.
"""

STRINGS: dict[str, dict[str, str]] = {
    # --- app shell -------------------------------------------------------------------------
    "app.title": {"en": "Rare-disease coverage equity", "zh": "罕见病保障公平"},
    "app.subtitle": {
        "en": "Charity coverage and out-of-pocket costs across regions, and what a transfer "
        "fund could change",
        "zh": "各地区慈善救助覆盖率与自付负担，以及跨区域转移基金能带来的改变",
    },
    "app.language": {"en": "Language · 语言", "zh": "Language · 语言"},
    "app.dataset": {"en": "Dataset", "zh": "数据集"},
    "app.dataset_help": {
        "en": "The regional figures every page uses. Upload your own on the Data page.",
        "zh": "所有页面使用的地区数据。可在“数据”页上传自己的文件。",
    },
    "app.uploaded": {"en": "Uploaded: {name}", "zh": "已上传：{name}"},
    "app.compare": {"en": "Comparison groups", "zh": "比较组"},
    "app.compare_column": {"en": "Group regions by", "zh": "分组依据"},
    "app.compare_column_help": {
        "en": "Any categorical column of the data; area type by default.",
        "zh": "数据中的任一分类列；默认为地区类型。",
    },
    "app.compare_a": {"en": "Group A", "zh": "A组"},
    "app.compare_b": {"en": "Group B", "zh": "B组"},
    "app.compare_same": {
        "en": "Groups A and B are the same ({value}); choose two different groups to see a gap.",
        "zh": "A组与B组相同（{value}），请选择两个不同的组以查看差距。",
    },
    "app.presenter": {"en": "Presenter mode (large text)", "zh": "演示模式（大字体）"},
    "app.presenter_help": {
        "en": "Bigger fonts in text and charts for screen sharing.",
        "zh": "放大文字和图表字体，便于屏幕共享演示。",
    },
    "app.off": {"en": "off", "zh": "关闭"},
    "app.link_help": {
        "en": "The page address holds the dataset, language and groups: copy it to share "
        "this view.",
        "zh": "页面地址包含数据集、语言和比较组：复制地址即可分享当前视图。",
    },
    "app.footer": {
        "en": "Model version {version} · figures from the source documents cited on the "
        "Methods page",
        "zh": "模型版本 {version} · 数据来源见“方法与来源”页所引文献",
    },
    "app.data_missing": {
        "en": "The data layer is not available yet, so no dataset can be loaded.",
        "zh": "数据模块尚不可用，无法加载数据集。",
    },
    "nav.overview": {"en": "Overview", "zh": "概览"},
    "nav.transfer_fund": {"en": "Transfer fund", "zh": "转移基金"},
    "nav.data": {"en": "Data", "zh": "数据"},
    "nav.methods": {"en": "Methods and sources", "zh": "方法与来源"},
    # --- URL notices ----------------------------------------------------------------------
    "url.bad_value": {
        "en": "The link asked for {param} = “{value}”, which is not available; showing "
        "{fallback} instead.",
        "zh": "链接中的 {param} = “{value}” 不可用，已改为显示 {fallback}。",
    },
    "url.param.lang": {"en": "language", "zh": "语言"},
    "url.param.dataset": {"en": "dataset", "zh": "数据集"},
    "url.param.compare_col": {"en": "grouping column", "zh": "分组列"},
    "url.param.compare_a": {"en": "group A", "zh": "A组"},
    "url.param.compare_b": {"en": "group B", "zh": "B组"},
    "url.param.presenter": {"en": "presenter mode", "zh": "演示模式"},
    # --- errors ---------------------------------------------------------------------------
    "error.title": {"en": "The data could not be used:", "zh": "数据无法使用："},
    "error.scenario_title": {"en": "The scenario could not be used:", "zh": "情景设置无法使用："},
    "error.nothing_loaded": {
        "en": "Nothing was loaded; the current dataset is unchanged.",
        "zh": "未加载任何数据；当前数据集保持不变。",
    },
    "error.where_row_col": {"en": "row {row}, column “{column}”", "zh": "第{row}行，“{column}”列"},
    "error.where_row": {"en": "row {row}", "zh": "第{row}行"},
    "error.where_col": {"en": "column “{column}”", "zh": "“{column}”列"},
    "error.unexpected": {
        "en": "Something went wrong: {message}",
        "zh": "出现问题：{message}",
    },
    # --- indicators and groups ------------------------------------------------------------
    "ind.charity_coverage": {"en": "Charity coverage", "zh": "慈善救助覆盖率"},
    "ind.oop_share": {"en": "Out-of-pocket share", "zh": "自付比例"},
    "ind.charity_coverage.help": {
        "en": "Share of patients who receive a charity subsidy (higher is better).",
        "zh": "获得慈善救助的患者比例（越高越好）。",
    },
    "ind.oop_share.help": {
        "en": "Share of total medical cost the patient still pays after every payer "
        "(lower is better).",
        "zh": "经所有支付方报销后患者仍需自付的医疗费用比例（越低越好）。",
    },
    "group.urban": {"en": "urban", "zh": "城区"},
    "group.suburban": {"en": "suburban", "zh": "郊区"},
    "group.rural": {"en": "rural", "zh": "农村"},
    "group.remote": {"en": "remote", "zh": "偏远地区"},
    "group.other": {"en": "other regions", "zh": "其他地区"},
    # --- overview -------------------------------------------------------------------------
    "ov.title": {"en": "Where the gap stands", "zh": "差距现状"},
    "ov.intro": {
        "en": "Dataset: {dataset}. Group averages are weighted by the number of patients.",
        "zh": "数据集：{dataset}。组平均值按患者人数加权。",
    },
    "ov.metric_cov": {"en": "Coverage, {group}", "zh": "{group}覆盖率"},
    "ov.metric_cov_help": {
        "en": "Patient-weighted share of {group} patients who receive a charity subsidy.",
        "zh": "{group}患者中获得慈善救助者的比例（按患者人数加权）。",
    },
    "ov.metric_gap": {"en": "Coverage gap", "zh": "覆盖率差距"},
    "ov.metric_gap_help": {
        "en": "Coverage of {a} minus coverage of {b}, in percentage points.",
        "zh": "{a}覆盖率减去{b}覆盖率，单位为百分点。",
    },
    "ov.metric_oop": {"en": "Out-of-pocket share", "zh": "自付比例"},
    "ov.metric_oop_help": {
        "en": "Patient-weighted share of medical cost paid by patients, all regions.",
        "zh": "所有地区患者自付的医疗费用比例（按患者人数加权）。",
    },
    "ov.metric_patients": {"en": "Patients", "zh": "患者人数"},
    "ov.metric_patients_help": {
        "en": "Rare-disease patients in scope, all regions.",
        "zh": "纳入范围的罕见病患者总数（所有地区）。",
    },
    "ov.metric_subsidy": {"en": "Subsidy per covered patient", "zh": "受助患者人均救助"},
    "ov.metric_subsidy_help": {
        "en": "Average annual charity subsidy of a patient who receives one, all regions.",
        "zh": "获得慈善救助的患者每年平均救助金额（所有地区）。",
    },
    "ov.headline": {
        "en": "{a} patients are covered at {a_value}, {b} patients at {b_value}: a gap of "
        "{gap}.",
        "zh": "{a}患者的覆盖率为{a_value}，{b}患者为{b_value}，相差{gap}。",
    },
    "ov.no_group": {
        "en": "No region belongs to {group}; choose another group in the sidebar.",
        "zh": "没有地区属于{group}，请在侧栏中选择其他组。",
    },
    "ov.indicator": {"en": "Indicator", "zh": "指标"},
    "ov.map_header": {"en": "Map", "zh": "地图"},
    "ov.map_hover": {
        "en": "Point at a region for its name, value and patients.",
        "zh": "将鼠标移到地区上可查看名称、数值和患者人数。",
    },
    "ov.rank_header": {"en": "Regions ranked", "zh": "地区排名"},
    "ov.reference_header": {"en": "Reference points from the documents", "zh": "文献中的参考点"},
    "ov.reference_caption": {
        "en": "Dotted lines on the ranking are context from other countries, not targets "
        "computed for this dataset.",
        "zh": "排名图中的虚线是其他国家的参考情况，并非针对本数据集计算的目标。",
    },
    "ov.notes": {"en": "About this dataset", "zh": "关于此数据集"},
    "ov.download_png": {"en": "Download chart (PNG)", "zh": "下载图表（PNG）"},
    "ov.download_svg": {"en": "Download chart (SVG)", "zh": "下载图表（SVG）"},
    "ov.download_unavailable": {
        "en": "Chart images cannot be made here (no Chromium for kaleido): {reason}",
        "zh": "此处无法生成图表图片（kaleido 找不到 Chromium）：{reason}",
    },
    # --- charts ---------------------------------------------------------------------------
    "chart.rank_title": {"en": "{indicator} by region", "zh": "各地区{indicator}"},
    "chart.reference_lines": {
        "en": "Reference points from other countries (document {sources})",
        "zh": "其他国家的参考点（文献 {sources}）",
    },
    "chart.group_mean": {"en": "{group} average", "zh": "{group}平均"},
    "chart.map_title": {"en": "{indicator} by region", "zh": "各地区{indicator}"},
    "chart.map_schematic": {
        "en": "Schematic map: not real district boundaries",
        "zh": "示意图：并非真实行政边界",
    },
    "chart.grid_note": {
        "en": "Tile grid: the data has no boundaries, one square per region",
        "zh": "方块图：数据不含边界，每个方块代表一个地区",
    },
    "chart.hover_patients": {"en": "Patients", "zh": "患者"},
    "chart.hover_group": {"en": "Group", "zh": "组别"},
    "chart.other": {"en": "other", "zh": "其他"},
    # --- data page ------------------------------------------------------------------------
    "data.title": {"en": "Data", "zh": "数据"},
    "data.current": {"en": "Current dataset: {name}", "zh": "当前数据集：{name}"},
    "data.bundled_header": {"en": "Bundled datasets", "zh": "内置数据集"},
    "data.use": {"en": "Use this dataset", "zh": "使用此数据集"},
    "data.in_use": {"en": "In use", "zh": "使用中"},
    "data.upload_header": {"en": "Upload your own", "zh": "上传自己的数据"},
    "data.upload_label": {
        "en": "Region table (CSV, XLSX, Parquet, GeoJSON, zipped Shapefile, GeoPackage or a "
        "HEAT Plus export)",
        "zh": "地区数据表（CSV、XLSX、Parquet、GeoJSON、压缩的 Shapefile、GeoPackage "
        "或 HEAT Plus 导出文件）",
    },
    "data.upload_help": {
        "en": "One row per region with the required columns listed in the data dictionary "
        "below. Percentages may be written 0.65, 65% or 65. Column names may be in Chinese.",
        "zh": "每个地区一行，必需列见下方数据字典。百分比可写作 0.65、65% 或 65。列名可用中文。",
    },
    "data.boundaries_label": {
        "en": "Boundaries (optional; GeoJSON, zipped Shapefile or GeoPackage, joined by "
        "region_id)",
        "zh": "边界（可选；GeoJSON、压缩的 Shapefile 或 GeoPackage，按 region_id 关联）",
    },
    "data.checking": {"en": "Checking {name}…", "zh": "正在检查 {name}…"},
    "data.valid": {
        "en": "{name} is valid: {rows} regions loaded. It is now the current dataset.",
        "zh": "{name} 校验通过：已加载 {rows} 个地区，现已设为当前数据集。",
    },
    "data.readings": {"en": "How fractions were read", "zh": "比例的读取方式"},
    "data.reading_line": {"en": "{column}: read as {reading}", "zh": "{column}：按{reading}读取"},
    "data.invalid": {
        "en": "{name} has {count} problem(s):",
        "zh": "{name} 存在 {count} 个问题：",
    },
    "data.table_header": {"en": "The table", "zh": "数据表"},
    "data.dictionary_header": {"en": "Data dictionary", "zh": "数据字典"},
    "data.dictionary_none": {
        "en": "This dataset has no data dictionary; the expected columns are:",
        "zh": "此数据集没有数据字典；应包含的列如下：",
    },
    "data.col.column": {"en": "Column", "zh": "列"},
    "data.col.unit": {"en": "Unit", "zh": "单位"},
    "data.col.required": {"en": "Required", "zh": "必需"},
    "data.col.meaning": {"en": "Meaning", "zh": "含义"},
    "data.col.provenance": {"en": "Provenance", "zh": "来源类型"},
    "data.col.detail": {"en": "Detail", "zh": "说明"},
    "data.prov.source": {"en": "source", "zh": "文献来源"},
    "data.prov.derived": {"en": "derived", "zh": "推算"},
    "data.prov.illustrative": {"en": "illustrative", "zh": "示意"},
    "data.yes": {"en": "yes", "zh": "是"},
    "data.no": {"en": "no", "zh": "否"},
    "data.downloads_header": {"en": "Downloads", "zh": "下载"},
    "data.download_csv": {"en": "Table (CSV)", "zh": "数据表（CSV）"},
    "data.download_xlsx": {"en": "Table + dictionary (XLSX)", "zh": "数据表+字典（XLSX）"},
    "data.template_csv": {"en": "Empty template (CSV)", "zh": "空白模板（CSV）"},
    "data.template_xlsx": {"en": "Empty template (XLSX)", "zh": "空白模板（XLSX）"},
    "data.notes": {"en": "Notes", "zh": "说明"},
    # --- methods page ---------------------------------------------------------------------
    "m.title": {"en": "Methods and sources", "zh": "方法与来源"},
    "m.intro": {
        "en": "Every number the dashboard shows comes from the equations below, the "
        "parameters in the table and the data on the Data page.",
        "zh": "仪表板中的每个数字都来自以下公式、参数表以及“数据”页中的数据。",
    },
    "m.model_header": {"en": "The transfer-fund model", "zh": "转移基金模型"},
    "m.baseline": {
        "en": "Baseline of region i: patients P, coverage c, subsidy s, cost T, final "
        "out-of-pocket share o. The patient's liability before charity L follows from",
        "zh": "地区 i 的基线：患者数 P、覆盖率 c、救助额 s、费用 T、最终自付比例 o。"
        "慈善救助前的患者负担 L 由下式求得",
    },
    "m.financing": {
        "en": "Financing: central pool G, per-capita levy l on the insured population, "
        "mutual aid (a share m of recipients' shortfall, paid by donors in proportion to "
        "GDP per capita × population), charity pooling (a share p of donors' charity "
        "money); administrative overhead a is lost:",
        "zh": "筹资：中央资金池 G、按参保人数征收的人均筹资 l、互助（捐助地区按人均GDP×人口的比例"
        "承担受助地区缺口的 m 份额）、慈善统筹（捐助地区慈善资金的 p 份额）；行政成本 a 扣除：",
    },
    "m.shortfall": {
        "en": "Recipients are regions below the target coverage c*. Their shortfall money:",
        "zh": "受助地区为覆盖率低于目标 c* 的地区，其资金缺口为：",
    },
    "m.weights": {
        "en": "Allocation weights (g = GDP per capita), then water-filling so no region gets "
        "more than it can use; what nobody can use stays as an unspent reserve:",
        "zh": "分配权重（g 为人均GDP），之后按“注水”法分配，任何地区不超过其可用额度；"
        "无人可用的部分作为未使用储备：",
    },
    "m.use": {
        "en": "A share u widens coverage (take-up e), the rest deepens the subsidy, never "
        "above the liability L:",
        "zh": "份额 u 用于扩大覆盖（申请到达率 e），其余用于提高救助额，但不超过负担 L：",
    },
    "m.accounting": {
        "en": "Accounting closes to the yuan:",
        "zh": "账目精确到元平衡：",
    },
    "m.gap": {
        "en": "Group comparison: patient-weighted means of an indicator in groups A and B; "
        "gap D and ratio R, before and after, and the cost per percentage point closed:",
        "zh": "组间比较：A、B两组指标的患者加权平均值；差距 D 与比值 R（实施前后），以及每缩小一个"
        "百分点的成本：",
    },
    "m.measures_header": {
        "en": "Inequality measures (WHO Health Equity Assessment Toolkit, HEAT)",
        "zh": "不平等测量指标（世卫组织健康公平评估工具 HEAT）",
    },
    "m.measures_formulas": {
        "en": "p_j is each group's share of patients, y_j its value, μ the weighted mean:",
        "zh": "p_j 为各组患者占比，y_j 为其指标值，μ 为加权平均值：",
    },
    "m.params_header": {"en": "Parameters", "zh": "参数"},
    "m.params_missing": {
        "en": "The parameter declarations (equity.scenario) are not available yet.",
        "zh": "参数声明（equity.scenario）尚不可用。",
    },
    "m.measures_missing": {
        "en": "The measure catalogue (equity.measures) is not available yet.",
        "zh": "指标目录（equity.measures）尚不可用。",
    },
    "m.col.key": {"en": "Key", "zh": "键"},
    "m.col.parameter": {"en": "Parameter", "zh": "参数"},
    "m.col.unit": {"en": "Unit", "zh": "单位"},
    "m.col.default": {"en": "Default", "zh": "默认值"},
    "m.col.min": {"en": "Minimum", "zh": "最小值"},
    "m.col.max": {"en": "Maximum", "zh": "最大值"},
    "m.col.source": {"en": "Source", "zh": "来源"},
    "m.col.symbol": {"en": "Symbol", "zh": "符号"},
    "m.params_meaning": {"en": "What each parameter means", "zh": "各参数的含义"},
    "m.col.abbr": {"en": "Measure", "zh": "指标"},
    "m.col.name": {"en": "Name", "zh": "名称"},
    "m.col.kind": {"en": "Kind", "zh": "类型"},
    "m.col.reading": {"en": "How to read it", "zh": "解读"},
    "m.tex.gross": {"en": "gross", "zh": "筹资总额"},
    "m.tex.pop": {"en": "pop", "zh": "人口"},
    "m.tex.recipients": {"en": "recipients", "zh": "受助地区"},
    "m.tex.donors": {"en": "donors", "zh": "捐助地区"},
    "m.tex.mutual_aid_of_donor": {"en": "mutual aid of donor", "zh": "捐助地区互助额"},
    "m.tex.in_pooling_donor": {
        "en": "in a donor region that pools charity",
        "zh": "（参与慈善统筹的捐助地区）",
    },
    "m.tex.or_every_full": {"en": "(or every region full)", "zh": "（或所有地区均已用满）"},
    "m.tex.overhead": {"en": "overhead", "zh": "行政成本"},
    "m.tex.allocated": {"en": "allocated", "zh": "已分配"},
    "m.tex.unspent": {"en": "unspent", "zh": "未使用"},
    "m.tex.cost_per_point": {"en": "cost per point", "zh": "每百分点成本"},
    "m.tex.before": {"en": "before", "zh": "前"},
    "m.tex.after": {"en": "after", "zh": "后"},
    "m.tex.best": {"en": "best", "zh": "最佳"},
    "m.tex.weighted_slope": {
        "en": "weighted slope of y on the rank r",
        "zh": "y 对秩次 r 的加权回归斜率",
    },
    "m.docs_header": {"en": "Documents cited", "zh": "引用文献"},
    "m.doc.000": {
        "en": "000 — study of charity-resource allocation for rare diseases in City W: "
        "coverage 90% urban vs 65% suburban (abstract, 3.1.2, 3.2.1); out-of-pocket up to "
        "30%, subsidy about 18,000 yuan a year; international cases: Australia remote "
        "coverage about 50% → 75%, Japan out-of-pocket under 10% (3.1.1–3.2.2, Table 1).",
        "zh": "000 — W市罕见病慈善资源配置研究：城区覆盖率90%、郊区65%（摘要、3.1.2、3.2.1）；"
        "自付比例最高30%，年救助约18,000元；国际案例：澳大利亚偏远地区覆盖率约50%→75%，"
        "日本自付比例低于10%（3.1.1–3.2.2，表1）。",
    },
    "m.doc.001": {
        "en": "001 — patient organisations and household burden (130 active organisations "
        "in 2021; fundraising in 2018).",
        "zh": "001 — 患者组织与家庭负担（2021年130个活跃组织；2018年筹款情况）。",
    },
    "m.doc.002": {
        "en": "002 — Zhejiang provincial special fund: 2 yuan per enrollee (section 3), "
        "Tables 2–3 (2020–2024); local schemes (3.3).",
        "zh": "002 — 浙江省罕见病专项基金：每名参保人2元（第3节），表2–3（2020–2024年）；"
        "地方做法（3.3）。",
    },
    "m.doc.003": {
        "en": "003 — multi-level medical security for rare diseases: Zhejiang tiers "
        "80/90/100% and the 100,000 yuan cap (IV(II)); household burden (III(II)); "
        "international funds (IV); proposed mechanisms (V).",
        "zh": "003 — 罕见病多层次医疗保障：浙江80/90/100%分段报销与10万元封顶（四（二））；"
        "家庭负担（三（二））；国际基金（四）；政策建议（五）。",
    },
    "m.doc.heat": {
        "en": "WHO Health Equity Assessment Toolkit (HEAT, HEAT Plus): technical notes on "
        "the summary measures.",
        "zh": "世卫组织健康公平评估工具（HEAT、HEAT Plus）：汇总指标技术说明。",
    },
}


DATASET_TEXT_ZH: dict[str, dict[str, tuple[str, ...]]] = {
    # The data layer describes its bundled datasets in English only; these are the Chinese
    # versions shown when the page is in Chinese (same facts, same document sections).
    "city_w": {
        "description": (
            "4个中心城区和6个郊区。按患者加权的慈善救助覆盖率恰为90%（中心城区）和65%（郊区），"
            "自付比例30%，年慈善救助18,000元，均与文献一致（000 3.1.2、3.2.1）。区名、患者分布、"
            "费用、人口和收入水平为示意数据；地图为示意图。",
        ),
        "notes": (
            "区名及各区患者分布为示意数据；文献只给出中心城区（90%）与郊区（65%）的慈善救助覆盖率、"
            "30%的自付比例和18,000元的救助额（000 3.1.2、3.2.1）。",
            "地图为示意图（围绕一个名义中心点的环形分区），并非真实行政边界。",
        ),
    },
}
