import streamlit as st

from app_support import get_lang, require_shell
from equity.i18n import t

require_shell()
st.title(t("nav.methods", get_lang()))
