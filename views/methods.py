"""Methods and sources: every formula, every parameter (from its declaration), the measures and
the documents cited. Tables are generated from equity.scenario and equity.measures, so no bound
or label is typed twice."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard.render import escape_md
from dashboard.state import get_lang
from equity.i18n import fmt_number, has, t

_WORD = re.compile(r"@(\w+)")


def _latex(body: str) -> None:
    # Words inside \text{} come from the catalogue ("@gross" -> t("m.tex.gross")), so the
    # formulas read in the page's language.
    lang = get_lang()
    st.latex(_WORD.sub(lambda m: t(f"m.tex.{m.group(1)}", lang), body))


def _bound(value: object) -> str:
    """A parameter bound as people read it: 100,000,000,000 rather than 1e+11; blank if none."""
    if value is None or pd.isna(value):
        return ""
    return fmt_number(float(value), get_lang(), digits=4)


def model_section(lang: str) -> None:
    """The transfer-fund model's equations (design.md, "The transfer-fund model")."""
    st.header(t("m.model_header", lang))
    st.markdown(t("m.baseline", lang))
    _latex(r"o_i T_i = L_i - c_i \min(s_i, L_i), \qquad O_i = o_i T_i")
    st.markdown(t("m.financing", lang))
    _latex(
        r"\text{@gross} = G + l\sum_{i} \text{@pop}_i"
        r" + m \sum_{i \in \text{@recipients}} S_i + p \sum_{k \in \text{@donors}} c_k P_k s_k,"
        r"\qquad F = (1-a)\,\text{@gross}"
    )
    _latex(
        r"\text{@mutual_aid_of_donor}\ k \propto g_k\,\text{@pop}_k,\qquad"
        r" c_k' = c_k\,(1-p) \ \text{@in_pooling_donor}"
    )
    st.markdown(t("m.shortfall", lang))
    _latex(r"S_i = \max(0,\; c^{*} - c_i)\, P_i\, s_i")
    st.markdown(t("m.weights", lang))
    _latex(
        r"w_i = b_{\text{@w_patients}} \frac{P_i}{\sum P}"
        r" + b_{\text{@w_shortfall}} \frac{S_i}{\sum S}"
        r" + b_{\text{@w_disadvantage}} \frac{P_i / g_i}{\sum P/g} + \frac{b_{\text{@w_equal}}}{n}"
    )
    _latex(r"A_i = \min(K_i,\; \lambda w_i),\quad \sum_i A_i = F \ \text{@or_every_full}")
    _latex(r"K_i = \frac{(c_{\max} - c_i)^+ P_i s_i}{e} + (L_i - s_i)^+ \max(c_i, c_{\max})\, P_i")
    st.markdown(t("m.use", lang))
    _latex(
        r"\Delta N_i = \min\!\Big(\frac{e\, u\, A_i}{s_i},\; (c_{\max} - c_i) P_i\Big),\qquad"
        r" c_i' = c_i + \frac{\Delta N_i}{P_i},\qquad"
        r" s_i' = \min\!\Big(s_i + \frac{(1-u) A_i}{c_i' P_i},\; L_i\Big)"
    )
    _latex(r"O_i' = L_i - c_i' \min(s_i', L_i), \qquad o_i' = O_i' / T_i")
    st.markdown(t("m.accounting", lang))
    _latex(r"\text{@gross} = \text{@overhead} + \text{@allocated} + \text{@unspent}")
    st.markdown(t("m.gap", lang))
    _latex(
        r"\bar y_A = \frac{\sum_{i \in A} P_i y_i}{\sum_{i \in A} P_i},\quad"
        r" D = \bar y_A - \bar y_B,\quad R = \frac{\bar y_A}{\bar y_B}"
    )
    _latex(
        r"\text{@cost_per_point} = \frac{\text{@gross}}"
        r"{100\,\big(|D_{\text{@before}}| - |D_{\text{@after}}|\big)}"
    )


def mechanisms_section(lang: str) -> None:
    """The documents' other mechanisms (docs/mechanisms.md), applied before the fund."""
    st.header(t("m.mech_header", lang))
    st.markdown(t("m.mech_price", lang))
    _latex(r"T_i' = T_i\,(1 - d\,k),\quad L_i' = L_i\,T_i'/T_i,\quad"
           r" O_i' = L_i' - c_i \min(s_i, L_i')")
    st.markdown(t("m.mech_harmonise", lang))
    _latex(r"\iota_i = 1 - L_i/T_i,\quad \iota_i' = \iota_i + h\,\max(0,\; \iota^{*} - \iota_i),"
           r"\quad L_i' = (1 - \iota_i')\,T_i,\quad \text{@cost} = \sum_i P_i (L_i - L_i')")
    st.markdown(t("m.mech_levy", lang))
    _latex(r"\text{@gross} \mathrel{+}= Y,\qquad e' = \min\big(1,\; e\,(1 + g)\big)")
    st.markdown(t("m.mech_paired", lang))
    _latex(r"\sum_{r \in \text{@partners}(d)} X_{dr} + X_{d,\text{@pool}} = (1-a)\,M_d,\quad"
           r" X_{dr} \le K_r")


def uncertainty_section(lang: str) -> None:
    """How the intervals are made (docs/measures.md)."""
    st.header(t("m.unc_header", lang))
    st.markdown(t("m.unc_se", lang))
    _latex(r"se_i = \sqrt{y_i (1 - y_i) / P_i},\qquad"
           r" \operatorname{var}(D) = \sum_{g \in \{A, B\}} \sum_{i \in g}"
           r" \Big(\frac{P_i}{P_g}\Big)^2 se_i^2,\qquad D \pm 1.96\, se_D")
    st.markdown(t("m.unc_combined", lang))
    _latex(r"D^{(k)} + \varepsilon^{(k)},\quad \varepsilon^{(k)} \sim N(0,\, se_D^2),\quad"
           r" [q_{2.5\%},\; q_{97.5\%}]")


def measures_section(lang: str) -> None:
    """The inequality measures (design.md, "Measures"), formulas and table."""
    st.header(t("m.measures_header", lang))
    st.markdown(t("m.measures_formulas", lang))
    _latex(r"\mu = \sum_j p_j y_j,\quad PAR = y_{\text{@best}} - \mu,\quad PAF = 100\,PAR/\mu")
    _latex(
        r"BGV = \sum_j p_j (y_j - \mu)^2,\quad BGSD = \sqrt{BGV},\quad COV = 100\,BGSD/\mu"
    )
    _latex(
        r"MDMW = \sum_j p_j |y_j - \mu|,\quad MDBW = \sum_j p_j |y_{\text{@best}} - y_j|,\quad"
        r" IDISW = 100\,MDMW/\mu"
    )
    _latex(
        r"TI = \sum_j p_j \frac{y_j}{\mu} \ln\frac{y_j}{\mu},\quad"
        r" MLD = \sum_j p_j \Big(-\ln \frac{y_j}{\mu}\Big)"
    )
    _latex(r"SII = \text{@weighted_slope},\quad RII = SII / \mu")
    try:
        from equity.measures import MEASURES

        measures = pd.DataFrame(
            [
                {
                    t("m.col.abbr", lang): m.abbr,
                    t("m.col.name", lang): m.name_zh if lang == "zh" else m.name_en,
                    t("m.col.kind", lang): (t(f"m.kind.{m.kind}", lang)
                                            if has(f"m.kind.{m.kind}") else m.kind),
                    t("m.col.reading", lang): m.reading_zh if lang == "zh" else m.reading_en,
                }
                for m in MEASURES.values()
            ]
        )
        st.table(measures, hide_index=True)
    except ImportError:
        st.info(t("m.measures_missing", lang))


def parameters_section(lang: str) -> None:
    """Every scenario parameter, generated from equity.scenario.PARAMETERS."""
    st.header(t("m.params_header", lang))
    try:
        from equity.scenario import parameters_table

        params = parameters_table(lang)
        shown = pd.DataFrame(
            {
                t("m.col.key", lang): params["key"],
                t("m.col.parameter", lang): params["label"],
                t("m.col.unit", lang): params["unit"],
                t("m.col.default", lang): [_default(k, v, lang) for k, v in
                                            zip(params["key"], params["default"], strict=True)],
                t("m.col.min", lang): params["minimum"].map(_bound),
                t("m.col.max", lang): params["maximum"].map(_bound),
                t("m.col.source", lang): _sources(params["key"], lang),
            }
        )
        if "symbol" in params:
            shown.insert(1, t("m.col.symbol", lang), params["symbol"])
        st.table(shown, hide_index=True)
        # The meanings are long sentences: a list reads better than a squeezed table column.
        st.subheader(t("m.params_meaning", lang))
        st.markdown(
            "\n".join(
                f"- **{label}** (`{key}`): {help_text}"
                for key, label, help_text in zip(
                    params["key"], params["label"], params["help"], strict=True
                )
            )
        )
    except ImportError:
        st.info(t("m.params_missing", lang))


def _default(key: str, value: object, lang: str) -> str:
    """A parameter's default as its control shows it: a choice by its name in ``lang`` (not
    the code "best"), a number as written."""
    from equity.comparison import shown
    from equity.scenario import PARAMETER_BY_KEY

    parameter = PARAMETER_BY_KEY[key]
    return str(value) if parameter.numeric else shown(parameter, value, lang)


def _sources(keys, lang: str) -> list[str]:
    """Each parameter's source in ``lang``: the document by title and section, and what the
    parameter takes from it (never a raw code such as "000 section 4.1.2")."""
    from equity.report import reference_text
    from equity.scenario import PARAMETER_BY_KEY

    return [reference_text(PARAMETER_BY_KEY[k].reference, lang, note_key=f"doc.note.{k}")
            for k in keys]


def documents_section(lang: str) -> None:
    """The documents cited, by title, each with what the model takes from it."""
    from equity.report import DOCUMENTS, document_title

    st.header(t("m.docs_header", lang))
    lines = []
    for code in DOCUMENTS:
        about = t(f"m.doc.{code}", lang) if has(f"m.doc.{code}") else ""
        # the catalogue's summaries open with the code ("000 — …"); the title replaces it
        about = re.sub(rf"^{code}\s*[—-]\s*", "", about)
        line = f"- **{escape_md(document_title(code, lang))}**"
        lines.append(f"{line}: {about}" if about else line)
    lines.append(f"- {t('m.doc.heat', lang)}")
    st.markdown("\n".join(lines))


def main() -> None:
    lang = get_lang()
    st.title(t("m.title", lang))
    st.markdown(t("m.intro", lang))
    model_section(lang)
    mechanisms_section(lang)
    measures_section(lang)
    uncertainty_section(lang)
    parameters_section(lang)
    documents_section(lang)


main()
