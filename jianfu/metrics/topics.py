"""Hot topics and repeat requests in the request text of 12345 work orders (诉求内容).

- Terms: each text is segmented with jieba (a domain dictionary, jianfu/data/topic_words.txt, keeps topic phrases
  such as 噪音扰民 whole); stop words (jianfu/data/topic_stopwords.txt), single characters and anything without a
  Chinese character are dropped. A term counts once per request (documents per term), so one long text cannot
  make a topic.
- Top topics: the terms of a month by documents; each term with the category (matter) most of its requests have.
- Rising topics (candidates for 每月一题, the month's focus topic): a term whose share of the month's requests is
  at least RISING_RATIO times its mean share over the BASELINE_MONTHS before, with at least MIN_DOCS requests
  and a one-sided binomial test against the baseline share below RISING_ALPHA.
- Repeat requests are counted in SQL (queries/page_topics_repeats.sql); repeat_shares() adds the shares.

The text is personal data (DATA_MODEL.md): only counts leave this module, and excerpts() gives masked excerpts of
a topic with at least MIN_EXCERPT_DOCS requests (digits and names masked, short), never a whole text.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable
from datetime import date
from functools import cache

import pandas as pd
from scipy import stats

from jianfu.settings import ROOT

WORDS_FILE = ROOT / "jianfu" / "data" / "topic_words.txt"
STOP_WORDS_FILE = ROOT / "jianfu" / "data" / "topic_stopwords.txt"
BASELINE_MONTHS = 6
MIN_DOCS = 10
RISING_RATIO = 1.5
RISING_ALPHA = 0.01
MIN_BASELINE_MONTHS = 3  # fewer months with requests before: no baseline to rise against
MIN_EXCERPT_DOCS = 10  # a topic's excerpts are shown only when at least this many requests mention it
EXCERPT_CHARS = 40

_HAN = re.compile(r"[\u4e00-\u9fff]")
_lock = threading.Lock()


@cache
def stop_words() -> frozenset[str]:
    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def _tokenizers():
    """jieba's tokenizer with the domain dictionary, loaded on first use (about a second) and quietly: jieba
    logs its start to stderr. Reads only its bundled dictionary and a cache file: no network."""
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # jieba's regexes, compiled on import
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tokenizer.load_userdict(str(WORDS_FILE))
        tagger = jieba.posseg.POSTokenizer(tokenizer)
        tagger.initialize()
        return tokenizer, tagger


def terms(text: str) -> set[str]:
    """The distinct topic terms of one text: dictionary words only (jieba's guessing of unknown words is off, so
    an unknown name falls apart into single characters, which are dropped), and never a word the dictionary
    tags as a person's name."""
    tokenizer, tagger = _tokenizers()
    dropped, tags = stop_words(), tagger.word_tag_tab
    return {
        w
        for w in tokenizer.lcut(text or "", HMM=False)
        if len(w) > 1 and _HAN.search(w) and w not in dropped and not tags.get(w, "").startswith("nr")
    }


def monthly_terms(requests: pd.DataFrame) -> pd.DataFrame:
    """Documents per (month, term) of requests [month, matter, request_text]: month, term, docs, month_docs
    (requests that month), share (docs / month_docs) and matter (the category most of the term's requests
    that month have; ties by name)."""
    rows: Counter = Counter()
    for month, matter, text in zip(requests["month"], requests["matter"], requests["request_text"]):
        for term in terms(text):
            rows[(month, term, matter if isinstance(matter, str) else "")] += 1
    if not rows:
        return pd.DataFrame(columns=["month", "term", "docs", "month_docs", "share", "matter"])
    by_matter = pd.DataFrame([(*k, n) for k, n in rows.items()], columns=["month", "term", "matter", "docs"])
    top_matter = (
        by_matter.sort_values(["docs", "matter"], ascending=[False, True]).drop_duplicates(["month", "term"])
    )[["month", "term", "matter"]]
    result = by_matter.groupby(["month", "term"], as_index=False)["docs"].sum().merge(top_matter, on=["month", "term"])
    month_docs = requests.groupby("month").size().rename("month_docs").reset_index()
    result = result.merge(month_docs, on="month")
    result["share"] = result["docs"] / result["month_docs"]
    return result[["month", "term", "docs", "month_docs", "share", "matter"]]


def top_topics(monthly: pd.DataFrame, month: date, limit: int = 10) -> pd.DataFrame:
    """The month's terms by documents (ties by term), at most `limit`."""
    mine = monthly[monthly["month"] == month]
    return mine.sort_values(["docs", "term"], ascending=[False, True]).head(limit).reset_index(drop=True)


def rising_topics(
    monthly: pd.DataFrame,
    month: date,
    baseline_months: int = BASELINE_MONTHS,
    min_docs: int = MIN_DOCS,
    ratio: float = RISING_RATIO,
    alpha: float = RISING_ALPHA,
) -> pd.DataFrame:
    """Terms of `month` rising against the `baseline_months` before it: term, docs, share, baseline_share (the
    mean of the baseline months' shares; a month without the term counts as 0), ratio, p_value (one-sided
    binomial: this many documents or more out of the month's, at the baseline share), strongest first."""
    columns = ["term", "matter", "docs", "share", "baseline_share", "ratio", "p_value"]
    months = sorted(m for m in monthly["month"].unique() if m < month)[-baseline_months:]
    current = monthly[monthly["month"] == month]
    if len(months) < MIN_BASELINE_MONTHS or current.empty:
        return pd.DataFrame(columns=columns)
    baseline = monthly[monthly["month"].isin(months)]
    month_docs = baseline.drop_duplicates("month")["month_docs"]
    shares = baseline.groupby("term")["share"].sum() / len(months)
    # a term never seen in the baseline: half a document over the baseline's requests, so the ratio stays finite
    floor = 0.5 / month_docs.sum()
    found = current.assign(baseline_share=current["term"].map(shares).fillna(0.0).clip(lower=floor))
    found["ratio"] = found["share"] / found["baseline_share"]
    found["p_value"] = stats.binom.sf(found["docs"] - 1, found["month_docs"], found["baseline_share"])
    rising = found[(found["docs"] >= min_docs) & (found["ratio"] >= ratio) & (found["p_value"] < alpha)]
    return rising.sort_values(["p_value", "term"])[columns].reset_index(drop=True)


def excerpts(texts: Iterable[str], term: str, limit: int = 3, min_docs: int = MIN_EXCERPT_DOCS) -> list[str]:
    """Up to `limit` masked excerpts of the texts mentioning `term`, only when at least `min_docs` do (fewer
    could point to one person): around the term, at most EXCERPT_CHARS characters, digits and names masked."""
    mentioning = [t for t in texts if isinstance(t, str) and term in terms(t)]
    if len(mentioning) < min_docs:
        return []
    shown: list[str] = []
    for text in mentioning:
        excerpt = mask(_around(text, term))
        if excerpt not in shown:
            shown.append(excerpt)
        if len(shown) == limit:
            break
    return shown


def _around(text: str, term: str) -> str:
    at = max(text.find(term), 0)
    start = max(0, at - EXCERPT_CHARS // 2)
    piece = text[start : start + EXCERPT_CHARS]
    return ("…" if start > 0 else "") + piece + ("…" if start + EXCERPT_CHARS < len(text) else "")


_ADDRESSED = re.compile(r"[\u4e00-\u9fff](?=先生|女士|小姐|师傅|阿姨|大爷|大妈)")


def mask(text: str) -> str:
    """Digits and stars become ＊; a person's name (jieba's nr tag, or a surname before 先生, 女士 …) one ＊ per
    character. Over-masking a place that looks like a name is the safe side."""
    _, tagger = _tokenizers()
    masked = "".join("*" * len(w.word) if w.flag.startswith("nr") else w.word for w in tagger.cut(text))
    masked = _ADDRESSED.sub("*", masked)
    return re.sub(r"[0-9０-９*]", "＊", masked)


def repeat_shares(repeats: pd.DataFrame, by: str = "month") -> pd.DataFrame:
    """Repeat requests (queries/page_topics_repeats.sql rows) summed by `by` ("month" or "street"): requests,
    repeats, share."""
    grouped = repeats.groupby(by, as_index=False, dropna=False)[["requests", "repeats"]].sum()
    grouped["share"] = grouped["repeats"] / grouped["requests"].where(grouped["requests"] > 0)
    return grouped.sort_values(by).reset_index(drop=True)
