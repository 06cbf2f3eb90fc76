"""How numbers, words and charts are shown, on screen and on paper, without Streamlit: the zh/en string catalogue
(`i18n`, `strings/*.toml`), number formatting (`format`), plotly figure builders and their colours (`charts`,
`flow_charts`, `palette`). The pages (`jianfu.ui`), the report, the exports and the CLI all use it."""
