"""The reader's language (zh or en) and the interface text of the pages in both.

The language is chosen by `?lang=zh|en` (remembered in a cookie), else the cookie,
else the browser's Accept-Language, else English. Labels from the graph follow the
same choice, falling back to the other language when a thing has no label in it.
"""

from __future__ import annotations

from flask import request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "site_name": "Xian'an 2023 review knowledge graph",
        "brand": "Xian'an 2023 · KG",
        "skip": "Skip to content",
        "nav": "Site",
        "nav_query": "Query",
        "nav_dashboard": "Dashboard",
        "nav_ontology": "Ontology",
        "nav_source": "Source text",
        "nav_sparql": "SPARQL endpoint",
        "nav_data": "Data",
        "search": "Search",
        "search_label": "Search names in Chinese or English",
        "search_placeholder": "e.g. 华勃铝业, revenue",
        "language": "Language",
        "footer": "Every fact links to the words of the review it came from. "
        "English labels are the project's own translations.",
        "labels": "Names",
        "alt_labels": "Also called",
        "types": "Types",
        "about": "Description",
        "figure": "This figure",
        "figures": "Figures about it",
        "indicator": "Indicator",
        "stated": "As written",
        "normalised": "Normalised",
        "year": "Year",
        "qualifiers": "Qualifiers",
        "properties": "Properties",
        "quotes": "From the source text",
        "quote_position": "Characters {start}–{end} of the source text",
        "quote_page": "the quote as data",
        "incoming": "Links to it",
        "links_out": "Links to other datasets",
        "link_columns": "Link|Item|How it was found|Their code|Their name|Our name|Score",
        "incoming_more": "{count} more; ask the SPARQL endpoint.",
        "neighbourhood": "Neighbourhood",
        "neighbourhood_desc": "{name} and the things it links to or that link to it.",
        "inferred": "inferred",
        "inferred_title": "Stated by the OWL 2 RL reasoner, not in the data files",
        "formats": "This description as",
        "iri": "IRI",
        "search_title": "Search",
        "search_results": "{count} results for “{query}”",
        "search_result_one": "1 result for “{query}”",
        "search_none": "Nothing is named “{query}”. Try part of the name, in Chinese or English.",
        "search_empty": "Type part of a name in Chinese or English.",
        "search_more": "Showing the first {shown}.",
        "match": "matched",
        "dashboard_title": "The review's figures",
        "dashboard_intro": "Charts drawn from the knowledge graph when this page is asked for: each comes from "
        "the SPARQL query shown under it, which you can open in the query editor.",
        "show_query": "The SPARQL query",
        "open_query": "Open in the query editor",
        "chart_table": "The numbers",
        "source_title": "The source text",
        "source_intro": "The review as published, unchanged (UTF-8, {chars} characters). Character positions "
        "count Unicode code points from 0; quotes link here.",
        "source_marked": "Characters {start}–{end} are marked.",
        "source_document_intro": "The source text {file} as the build read it, unchanged (UTF-8, {chars} characters). "
        "Character positions count Unicode code points from 0; its quotes link here.",
        "source_texts": "Source texts of this graph:",
        "line": "Line",
        "ontology_title": "Ontology",
        "ontology_formats": "As RDF",
        "not_found": "Not found",
        "not_found_hint": "Search for a name, or start from the home page.",
        "home": "home page",
        "value": "Value",
    },
    "zh": {
        "site_name": "咸安区2023年高质量发展回眸知识图谱",
        "brand": "咸安2023 · 知识图谱",
        "skip": "跳到正文",
        "nav": "网站导航",
        "nav_query": "查询",
        "nav_dashboard": "数据图表",
        "nav_ontology": "本体",
        "nav_source": "原文",
        "nav_sparql": "SPARQL端点",
        "nav_data": "数据下载",
        "search": "搜索",
        "search_label": "按中文或英文名称搜索",
        "search_placeholder": "例如 华勃铝业、财政收入",
        "language": "语言",
        "footer": "每条事实都链接到回眸原文中的出处。英文标签为本项目自译。",
        "labels": "名称",
        "alt_labels": "又称",
        "types": "类型",
        "about": "说明",
        "figure": "本数据",
        "figures": "相关数据",
        "indicator": "指标",
        "stated": "原文数值",
        "normalised": "标准化数值",
        "year": "年份",
        "qualifiers": "限定词",
        "properties": "属性",
        "quotes": "原文出处",
        "quote_position": "原文第{start}–{end}字",
        "quote_page": "引文数据",
        "incoming": "指向它的链接",
        "links_out": "与其他数据集的链接",
        "link_columns": "链接|条目|发现方法|对方代码|对方名称|本方名称|分数",
        "incoming_more": "另有{count}条;请使用SPARQL端点查询。",
        "neighbourhood": "关系图",
        "neighbourhood_desc": "{name}及与其相连的事物。",
        "inferred": "推理所得",
        "inferred_title": "由OWL 2 RL推理得出,数据文件中未直接写明",
        "formats": "其他格式",
        "iri": "IRI",
        "search_title": "搜索",
        "search_results": "“{query}”共{count}条结果",
        "search_result_one": "“{query}”共1条结果",
        "search_none": "没有名称包含“{query}”的条目。请尝试名称的一部分(中文或英文)。",
        "search_empty": "请输入名称的一部分(中文或英文)。",
        "search_more": "仅显示前{shown}条。",
        "match": "匹配",
        "dashboard_title": "回眸中的数据",
        "dashboard_intro": "以下图表在打开本页时由知识图谱生成:每张图下方给出生成它的SPARQL查询,可在查询编辑器中打开。",
        "show_query": "SPARQL查询",
        "open_query": "在查询编辑器中打开",
        "chart_table": "数据表",
        "source_title": "原文",
        "source_intro": "回眸原文,未作改动(UTF-8,共{chars}字)。字符位置按Unicode码位从0起计;各处引文链接至此。",
        "source_marked": "已标出第{start}–{end}字。",
        "source_document_intro": "原文{file},即构建时读入的文本,未作改动(UTF-8,共{chars}字)。字符位置按Unicode码位从0起计;其引文链接至此。",
        "source_texts": "本图谱的原文:",
        "line": "行",
        "ontology_title": "本体",
        "ontology_formats": "RDF格式",
        "not_found": "未找到",
        "not_found_hint": "请搜索名称,或从首页开始。",
        "home": "首页",
        "value": "数值",
    },
}


def current_language() -> str:
    """zh or en for this request: ?lang=, then the cookie, then Accept-Language, then English."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"], default=DEFAULT_LANGUAGE)
    return "zh" if best.startswith("zh") else "en"


def strings(lang: str) -> dict[str, str]:
    return STRINGS[lang]


def other_language(lang: str) -> str:
    return "en" if lang == "zh" else "zh"
