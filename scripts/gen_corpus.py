#!/usr/bin/env python3
"""Deterministic synthetic Swedish guidance corpus for load and performance runs.

Usage: scripts/gen_corpus.py OUT_DIR N [SEED] [--queries FILE]

Writes N guidance documents under OUT_DIR/delNN/ (at most about 2,000 files per folder):
about 70 % Markdown with YAML front matter and about 30 % full HTML pages with navigation and
footer chrome. Body lengths follow a lognormal distribution (about 7,500 characters on
average, clamped to 500-60,000) with 2-12 headings, some nested. The text is drawn from a
Zipf-distributed (frequency ~ 1/rank) vocabulary of a few thousand Swedish word forms: function
words, inflected general and procurement words, generated compounds ("upphandlings" + "krav"),
abbreviations, legal references ("19 a kap. 2 § LOU"), years and amounts.

--queries FILE also writes about 300 realistic search queries (one per line, UTF-8) drawn from
the same vocabulary: domain words, compounds, inflected forms, legal references,
abbreviations, typos, queries without diacritics and a few English ones.

The same arguments give the same bytes: every document has its own random.Random seeded from
SEED and its number (so documents can be written in parallel, one process per core), and the
vocabulary comes from a fixed-seed generator.
"""
import argparse
import functools
import itertools
import math
import multiprocessing
import os
import random
import sys

FILES_PER_FOLDER = 2000
MAX_FOLDERS = 100
MEAN_BODY_CHARS = 7500
LOGNORMAL_SIGMA = 0.8
MIN_BODY_CHARS, MAX_BODY_CHARS = 500, 60000
HTML_SHARE = 0.3
SENTENCE_CHARS = 100  # average length of a generated sentence, for hitting length targets
QUERY_COUNT = 300

# --- Vocabulary ---------------------------------------------------------------------------

# Function words, most frequent first; they take the top Zipf ranks.
FUNCTION_WORDS = """och i att det som en på är av för med till den har de inte om ett kan ska
man vid eller så från men när också sig får under enligt efter mot hur vad även ni vi du detta
dessa andra alla varje någon något några mer mycket bara redan ofta alltid därför dock samt
genom utan inom hos mellan innan både än där här då nu sedan vara blir bli finns gäller måste
bör behöver kunna göra gör var varit hade skulle sin sina sitt deras dess denna vilka vilken
vilket över upp ut in ännu just helt särskilt dessutom exempelvis annars endast minst högst
cirka per""".split()

# Nouns by declension class: "er" kommun/kommunen/kommuner/kommunerna, "ar" förening/-en/-ar,
# "or" fråga/frågan/frågor, "e_r" riktlinje/-n/-r, "v_er" miljö/-n/-er, "ett_c" avtal/-et/-/-en,
# "ett_v" område/-t/-n/-na, "are" upphandlare/-n/-/upphandlarna.
GENERAL_NOUNS = {
    "er": "person möjlighet situation kostnad uppgift tid grupp aktör part metod rutin "
          "process modell text plan form analys period",
    "ar": "dag väg del mall ordning",
    "or": "fråga skola vecka lista summa",
    "e_r": "händelse bestämmelse",
    "v_er": "idé strategi nivå kategori",
    "ett_c": "förslag underlag projekt år system uppdrag ansvar",
    "ett_v": "område arbete värde syfte samarbete ärende",
    "are": "deltagare handläggare arbetsgivare samordnare",
}
DOMAIN_NOUNS = {
    "er": "kommun region myndighet leverantör organisation verksamhet insats dialog kvalitet "
          "målgrupp tjänst hemtjänst välfärdstjänst förvaltningsrätt kammarrätt avgift gräns "
          "direktupphandlingsgräns upphandlingsskadeavgift arbetsmarknad nämnd",
    "ar": "upphandling direktupphandling överprövning uppföljning utvärdering tilldelning "
          "annonsering förhandling ersättning förening värdeöverföring funktionsnedsättning "
          "avtalsspärr sysselsättning",
    "e_r": "överenskommelse riktlinje kommunstyrelse",
    "v_er": "miljö policy",
    "ett_c": "avtal krav anbud beslut bidrag stöd kontrakt villkor ramavtal partnerskap "
             "partnerskapsavtal sysselsättningskrav upphandlingsdokument valfrihetssystem "
             "statsstöd föreningsbidrag företag innovationspartnerskap",
    "ett_v": "förfarande tröskelvärde åtagande",
    "are": "upphandlare anbudsgivare utförare",
}
IRREGULAR_NOUNS = [
    ("regel", "regeln", "regler", "reglerna"),
    ("kriterium", "kriteriet", "kriterier", "kriterierna"),
    ("register", "registret", "register", "registren"),
    ("exempel", "exemplet", "exempel", "exemplen"),
    ("pris", "priset", "priser", "priserna"),
    ("ansökan", "ansökningen", "ansökningar", "ansökningarna"),
    ("medlem", "medlemmen", "medlemmar", "medlemmarna"),
    ("land", "landet", "länder", "länderna"),
]

# Adjectives: "reg" social/socialt/sociala, "ad" reserverad/reserverat/reserverade.
ADJECTIVES = {
    "reg": "offentlig social ekonomisk ideell lokal regional kommunal statlig nationell "
           "långsiktig hållbar tydlig viktig möjlig tillämplig skriftlig rimlig aktuell "
           "svensk europeisk ansvarig",
    "ad": "reserverad annonserad upphandlad integrerad begränsad kvalificerad",
}
IRREGULAR_ADJECTIVES = [
    ("idéburen", "idéburet", "idéburna"), ("särskild", "särskilt", "särskilda"),
    ("ny", "nytt", "nya"), ("stor", "stort", "stora"), ("god", "gott", "goda"),
    ("egen", "eget", "egna"), ("gemensam", "gemensamt", "gemensamma"),
    ("enkel", "enkelt", "enkla"), ("öppen", "öppet", "öppna"), ("liten", "litet", "små"),
]
INDECLINABLE = "arbetsintegrerande upphandlande sökande berörda".split()

# Verbs: "c1" arbeta/arbetar/arbetade/arbetat/arbetas, "c2d" ställa/ställer/ställde/ställt/ställs,
# "c2t" köpa/köper/köpte/köpt/köps.
VERBS = {
    "c1": "arbeta annonsera upphandla tillämpa utvärdera reservera granska planera kontrollera "
          "dokumentera samverka svara betala pröva lämna hänvisa ansvara anpassa beräkna "
          "motivera överpröva skapa teckna redovisa begränsa",
    "c2d": "behöva ställa följa uppfylla bedöma",
    "c2t": "köpa söka ansöka",
}
IRREGULAR_VERBS = [
    ("göra", "gör", "gjorde", "gjort", "görs"), ("få", "får", "fick", "fått", "fås"),
    ("ge", "ger", "gav", "gett", "ges"), ("ta", "tar", "tog", "tagit", "tas"),
    ("välja", "väljer", "valde", "valt", "väljs"),
    ("använda", "använder", "använde", "använt", "används"),
    ("skriva", "skriver", "skrev", "skrivit", "skrivs"),
    ("ingå", "ingår", "ingick", "ingått", "ingås"),
    ("bedriva", "bedriver", "bedrev", "bedrivit", "bedrivs"),
    ("erbjuda", "erbjuder", "erbjöd", "erbjudit", "erbjuds"),
]

ABBREVIATIONS = "LOU LOV LUF LUK IOP ASF SFS EU SKR ESPD SGEI".split()

# Compound stems: first parts (with their linking -s) and heads (noun, declension class).
COMPOUND_PREFIXES = """upphandlings avtals anbuds leverantörs förenings kvalitets miljö social
arbets sysselsättnings tilldelnings utvärderings uppföljnings bidrags partnerskaps ramavtals
kommun regions myndighets välfärds verksamhets samverkans omsorgs tjänste kontrakts pris
kostnads hållbarhets ersättnings överprövnings direktupphandlings värdeöverförings marknads
innovations""".split()
COMPOUND_HEADS = [
    ("krav", "ett_c"), ("dokument", "ett_c"), ("beslut", "ett_c"), ("villkor", "ett_c"),
    ("underlag", "ett_c"), ("stöd", "ett_c"), ("system", "ett_c"), ("uppdrag", "ett_c"),
    ("ansvar", "ett_c"), ("avtal", "ett_c"), ("tid", "er"), ("gräns", "er"), ("process", "er"),
    ("modell", "er"), ("form", "er"), ("plan", "er"), ("rutin", "er"), ("analys", "er"),
    ("kostnad", "er"), ("period", "er"), ("avgift", "er"), ("värde", "ett_v"),
    ("område", "ett_v"), ("ärende", "ett_v"), ("arbete", "ett_v"), ("åtagande", "ett_v"),
    ("förfarande", "ett_v"), ("fråga", "or"), ("mall", "ar"), ("ordning", "ar"),
    ("policy", "v_er"), ("strategi", "v_er"), ("nivå", "v_er"), ("handläggare", "are"),
    ("samordnare", "are"), ("riktlinje", "e_r"),
]


def noun_forms(word, cls):
    """Singular, singular definite, plural and plural definite of a regular noun."""
    if cls == "er":
        return word, word + "en", word + "er", word + "erna"
    if cls == "ar":
        return word, word + "en", word + "ar", word + "arna"
    if cls == "or":
        return word, word + "n", word[:-1] + "or", word[:-1] + "orna"
    if cls == "e_r":
        return word, word + "n", word + "r", word + "rna"
    if cls == "v_er":
        return word, word + "n", word + "er", word + "erna"
    if cls == "ett_c":
        return word, word + "et", word, word + "en"
    if cls == "ett_v":
        return word, word + "t", word + "n", word + "na"
    if cls == "are":
        return word, word + "n", word, word[:-1] + "na"
    raise ValueError(cls)


def adjective_forms(word, cls):
    if cls == "reg":
        return word, word + "t", word + "a"
    return word, word[:-1] + "t", word + "e"  # "ad": reserverad/reserverat/reserverade


def verb_forms(word, cls):
    """Infinitive, present, past, supine and present passive of a regular verb."""
    if cls == "c1":
        return word, word + "r", word + "de", word + "t", word + "s"
    stem = word[:-1]
    past = "de" if cls == "c2d" else "te"
    return word, stem + "er", stem + past, stem + "t", stem + "s"


class Vocabulary:
    """Word forms with Zipf weights and what the query generator needs to know about them."""

    def __init__(self):
        rng = random.Random("vägvisare-vocabulary")
        entries = {}  # word -> (tier, kind, is_base_form); first occurrence wins

        def add(word, tier, kind, base):
            entries.setdefault(word, (tier, kind, base))

        def add_forms(forms, tier, kind):
            for n, form in enumerate(forms):
                add(form, tier + (0 if n == 0 else 0.8), kind, n == 0)

        for group, kind, tier in ((GENERAL_NOUNS, "general", 0.0), (DOMAIN_NOUNS, "domain", 0.3)):
            for cls, words in group.items():
                for word in words.split():
                    add_forms(noun_forms(word, cls), tier, kind)
        for forms in IRREGULAR_NOUNS:
            add_forms(forms, 0.2, "general")
        for cls, words in ADJECTIVES.items():
            for word in words.split():
                add_forms(adjective_forms(word, cls), 0.0, "adjective")
        for forms in IRREGULAR_ADJECTIVES:
            add_forms(forms, 0.0, "adjective")
        for word in INDECLINABLE:
            add(word, 0.4, "adjective", True)
        for cls, words in VERBS.items():
            for word in words.split():
                add_forms(verb_forms(word, cls), 0.0, "verb")
        for forms in IRREGULAR_VERBS:
            add_forms(forms, 0.0, "verb")
        for word in ABBREVIATIONS:
            add(word, 0.5, "abbreviation", True)
        self.compounds = []
        for prefix in COMPOUND_PREFIXES:
            heads = [h for h in COMPOUND_HEADS if not prefix.startswith(h[0])]
            for head, cls in rng.sample(heads, rng.randint(14, 24)):
                forms = noun_forms(prefix + head, cls)
                self.compounds.append(forms[0])
                add_forms(forms, 1.2, "compound")

        content = [w for w in entries if w not in FUNCTION_WORDS]
        keyed = [(entries[w][0] + rng.random() * 1.2, w) for w in content]
        keyed.sort()
        self.content = [w for _, w in keyed]
        self.words = list(dict.fromkeys(FUNCTION_WORDS)) + self.content
        ranks = range(1, len(self.words) + 1)
        self.cum_weights = list(itertools.accumulate(1.0 / r for r in ranks))
        self.rank = {w: r for r, w in enumerate(self.words, 1)}
        self.kind = {w: entries[w][1] for w in content}
        self.base = {w: entries[w][2] for w in content}
        assert not any(c in w for w in self.words for c in '&<>"\''), "text must need no escaping"

    def draw(self, rng, k):
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


VOCAB = Vocabulary()

# --- Text ---------------------------------------------------------------------------------

SENTENCE_LENGTHS = list(range(6, 26))
SENTENCE_WEIGHTS = [math.exp(-(((n - 13) / 5) ** 2)) for n in SENTENCE_LENGTHS]  # peak at 13 words
SENTENCE_CUM = list(itertools.accumulate(SENTENCE_WEIGHTS))
TERMINATORS = [".", "?", "!"]
TERMINATOR_CUM = [0.93, 0.99, 1.0]
# What a sentence carries besides plain words: nothing, a legal reference, an amount, a year,
# a place, or a comma.
EXTRAS = ["", "ref", "amount", "year", "place", "comma"]
EXTRAS_CUM = list(itertools.accumulate([0.55, 0.06, 0.03, 0.04, 0.02, 0.30]))

PLACES = """Malmö Göteborg Stockholm Umeå Örebro Västerås Linköping Jönköping Sigtuna Östersund
Gävle Växjö Luleå Södertälje Norrköping Alingsås Botkyrka Skellefteå Härnösand""".split()
FAMOUS_REFS = [("LOU", "4", "18"), ("LOU", "19 a", "2"), ("LOU", "19", "25"), ("LOU", "1", "4"),
               ("LOU", "5", "1"), ("LOU", "16", "1"), ("LOU", "20", "4"), ("LOU", "17", "1"),
               ("LOV", "1", "1"), ("LUF", "19", "2")]
SFS_REFS = ["SFS 2016:1145", "SFS 2016:1146", "SFS 2016:1147", "SFS 2008:962", "SFS 2022:900"]
AMOUNTS = [700_000, 1_000_000, 1_200_000, 8_109_450, 2_500_000, 150_000, 50_000]
DIACRITICS = str.maketrans("åäöéÅÄÖÉ", "aaoeAAOE")


def legal_ref(rng):
    """(law, chapter, paragraph); famous provisions recur as they do in real guidance."""
    if rng.random() < 0.4:
        return rng.choice(FAMOUS_REFS)
    law = rng.choices(["LOU", "LOV", "LUF", "LUK"], cum_weights=[6, 8, 9.5, 10])[0]
    chapter = str(rng.randint(1, 22 if law != "LOV" else 10)) + (" a" if rng.random() < 0.1 else "")
    paragraph = str(rng.randint(1, 40)) + (" a" if rng.random() < 0.08 else "")
    return law, chapter, paragraph


def ref_in_text(ref):
    law, chapter, paragraph = ref
    return f"{chapter} kap. {paragraph} § {law}"


def ref_in_meta(ref):
    law, chapter, paragraph = ref
    return f"{law} {chapter} kap. {paragraph} §"


def amount(rng):
    value = rng.choice(AMOUNTS) if rng.random() < 0.5 else rng.randint(1, 400) * 25_000
    return f"{value:,}".replace(",", " ") + " kronor"


def extra_phrase(rng, kind):
    if kind == "ref":
        return "enligt " + ref_in_text(legal_ref(rng))
    if kind == "amount":
        return "på " + amount(rng)
    if kind == "year":
        return rng.choice(["år", "från", "sedan", "under"]) + " " + str(rng.randint(2008, 2027))
    return "i " + rng.choice(PLACES)


def sentences(rng, count, lengths=None):
    """`count` capitalised sentences; `lengths` overrides the 6-25 word length distribution."""
    if lengths is None:
        lengths = rng.choices(SENTENCE_LENGTHS, cum_weights=SENTENCE_CUM, k=count)
    words = VOCAB.draw(rng, sum(lengths))
    ends = rng.choices(TERMINATORS, cum_weights=TERMINATOR_CUM, k=count)
    extras = rng.choices(EXTRAS, cum_weights=EXTRAS_CUM, k=count)
    out = []
    pos = 0
    for n, end, extra in zip(lengths, ends, extras):
        s = words[pos:pos + n]
        pos += n
        if extra == "comma":
            s[rng.randrange(1, n - 2)] += ","
        elif extra:
            s.insert(rng.randrange(2, n), extra_phrase(rng, extra))
        first = s[0]
        s[0] = first[0].upper() + first[1:]
        out.append(" ".join(s) + end)
    return out


def paragraph(rng, room):
    """2-7 sentences, fewer when only about `room` characters are left to fill."""
    return " ".join(sentences(rng, min(rng.randint(2, 7), max(1, round(room / SENTENCE_CHARS)))))


def list_items(rng):
    count = rng.randint(3, 6)
    return sentences(rng, count, [rng.randint(6, 12) for _ in range(count)])


def domain_noun(rng, form=None):
    """A procurement noun in form 0 (base), 1 (definite), 2 (plural) or 3 (plural definite)."""
    cls = rng.choice(sorted(DOMAIN_NOUNS))
    word = rng.choice(DOMAIN_NOUNS[cls].split())
    return noun_forms(word, cls)[rng.randrange(4) if form is None else form]


HEADING_TEMPLATES = [
    "Vad gäller för {n}?", "Så fungerar {d}", "{N} och {p}", "Bakgrund", "Vanliga frågor",
    "Exempel från {place}", "{ref}", "Tips för upphandlare", "För föreningar", "Sammanfattning",
    "När krävs {n}?", "Att tänka på vid {n}", "{N} i praktiken", "Rättslig grund",
    "Uppföljning av {p}", "Checklista", "{C}", "Ansvar och roller", "Steg för steg",
]
TITLE_TEMPLATES = [
    "{N} – vägledning för {aud}", "Så använder ni {p}", "{N} och {p}: frågor och svar",
    "Guide: {n} i {place}", "{N} enligt {law}", "Vad är {n}?", "{C} – så går det till",
    "{N} för idéburna organisationer", "{N} och {c}",
]
AUDIENCES = ["procurer", "organisation", "facilitator"]
AUDIENCE_WORDS = {"procurer": "upphandlare", "organisation": "föreningar",
                  "facilitator": "processledare"}
TOPICS = ["upphandling", "direktupphandling", "troskelvarden", "iop", "reserverade-kontrakt",
          "sociala-foretag", "lov", "overprovning", "hallbarhet", "bidrag", "statsstod",
          "uppfoljning", "eu"]


def capitalise(text):
    return text[0].upper() + text[1:]


def fill(rng, template, audience):
    return template.format(
        n=domain_noun(rng, 0), N=capitalise(domain_noun(rng, 0)), d=domain_noun(rng, 1),
        p=domain_noun(rng, 2), c=rng.choice(VOCAB.compounds),
        C=capitalise(rng.choice(VOCAB.compounds)),
        place=rng.choice(PLACES), ref=ref_in_text(legal_ref(rng)),
        law=rng.choice(["LOU", "LOV", "LUF"]), aud=AUDIENCE_WORDS[audience[0]],
    )


def body_length(rng):
    mu = math.log(MEAN_BODY_CHARS) - LOGNORMAL_SIGMA ** 2 / 2
    return min(MAX_BODY_CHARS, max(MIN_BODY_CHARS, int(rng.lognormvariate(mu, LOGNORMAL_SIGMA))))


def sections(rng, target):
    """About `target` characters of body text in 2-12 headed sections after an untitled intro.

    Returns ([(heading level, heading, blocks)], characters of body text); the intro has level 0
    and no heading, and blocks are ("p", text) or ("ul", [item, ...])."""
    count = min(12, max(2, round(target / 1200) + rng.randint(-1, 1)))
    shares = [rng.random() + 0.3 for _ in range(count + 1)]
    total_share = sum(shares)
    chars = 0
    parts = []
    for n, share in enumerate(shares):
        budget = target * share / total_share
        blocks = []
        used = 0
        while used < budget - SENTENCE_CHARS or not blocks:
            if rng.random() < 0.12:
                block = ("ul", list_items(rng))
                used += sum(len(item) for item in block[1])
            else:
                block = ("p", paragraph(rng, budget - used))
                used += len(block[1])
            blocks.append(block)
        chars += used
        if n == 0:
            parts.append((0, None, blocks))
            continue
        level = 3 if n > 1 and rng.random() < 0.3 else 2
        parts.append((level, fill(rng, rng.choice(HEADING_TEMPLATES), AUDIENCES), blocks))
    return parts, chars


def metadata(rng):
    audience = [a for a in AUDIENCES if rng.random() < 0.6] or [rng.choice(AUDIENCES)]
    title = fill(rng, rng.choice(TITLE_TEMPLATES), audience)
    refs = [ref_in_meta(legal_ref(rng)) for _ in range(rng.randint(0, 5))]
    if rng.random() < 0.2:
        refs.append(rng.choice(SFS_REFS))
    return {
        "title": title,
        "summary": sentences(rng, 1)[0],
        "topics": sorted(rng.sample(TOPICS, rng.randint(1, 3))),
        "audience": audience,
        "legal_refs": list(dict.fromkeys(refs)),
        "reviewed": f"{rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }


def markdown(meta, parts):
    refs = ", ".join(f'"{r}"' for r in meta["legal_refs"])
    out = [
        "---\n",
        f'title: "{meta["title"]}"\n',
        f'summary: "{meta["summary"]}"\n',
        "language: sv\n",
        f"reviewed: {meta['reviewed']}\n",
        f"topics: [{', '.join(meta['topics'])}]\n",
        f"audience: [{', '.join(meta['audience'])}]\n",
        f"legal_refs: [{refs}]\n",
        "---\n\n",
        f"# {meta['title']}\n",
    ]
    for level, heading, blocks in parts:
        if heading:
            out.append(f"\n{'#' * level} {heading}\n")
        for kind, content in blocks:
            if kind == "p":
                out.append(f"\n{content}\n")
            else:
                out.append("\n" + "".join(f"- {item}\n" for item in content))
    return "".join(out)


SITE_NAV = [
    ("/", "Startsida"), ("/upphandling/", "Upphandling"), ("/iop/", "IOP"),
    ("/stod/", "Stöd och bidrag"), ("/kontakt/", "Kontakta oss"),
]
FOOTER = ("<footer>\n<p>Vägledningen ges ut av kommunens upphandlingsenhet. Kontakta oss på "
          "växeln, vardagar 8–16.</p>\n<ul><li><a href=\"/om-webbplatsen/\">Om webbplatsen</a></li>"
          "<li><a href=\"/kakor/\">Kakor</a></li><li><a href=\"/tillganglighet/\">"
          "Tillgänglighetsredogörelse</a></li></ul>\n</footer>\n")


def html_page(meta, parts):
    nav = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in SITE_NAV)
    out = [
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{meta['title']}</title>\n",
        f'<meta name="summary" content="{meta["summary"]}">\n',
        f'<meta name="topics" content="{"; ".join(meta["topics"])}">\n',
        f'<meta name="audience" content="{"; ".join(meta["audience"])}">\n',
        f'<meta name="legal_refs" content="{"; ".join(meta["legal_refs"])}">\n',
        f'<meta name="reviewed" content="{meta["reviewed"]}">\n',
        "</head>\n<body>\n",
        f'<nav>\n<ul>{nav}</ul>\n<p><a href="/">Startsida</a> › {meta["title"]}</p>\n</nav>\n',
        f"<main>\n<h1>{meta['title']}</h1>\n",
    ]
    for level, heading, blocks in parts:
        if heading:
            out.append(f"<h{level}>{heading}</h{level}>\n")
        for kind, content in blocks:
            if kind == "p":
                out.append(f"<p>{content}</p>\n")
            else:
                out.append("<ul>\n" + "".join(f"<li>{item}</li>\n" for item in content) + "</ul>\n")
    out.append("</main>\n")
    out.append(FOOTER)
    out.append("</body>\n</html>\n")
    return "".join(out)


def slug(text):
    ascii_text = text.lower().translate(DIACRITICS)
    kept = "".join(c if c.isalnum() and c.isascii() else "-" for c in ascii_text)
    return "-".join(filter(None, kept.split("-")))[:60]


def write_document(out_dir, folders, seed, i):
    """Generates and writes document `i`; returns (is_html, bytes written, body characters)."""
    rng = random.Random(f"{seed}/{i}")
    is_html = rng.random() < HTML_SHARE
    meta = metadata(rng)
    parts, chars = sections(rng, body_length(rng))
    text = html_page(meta, parts) if is_html else markdown(meta, parts)
    folder = os.path.join(out_dir, f"del{i % folders:02d}")
    name = f"{slug(meta['title'])}-{i:06d}.{'html' if is_html else 'md'}"
    data = text.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    return is_html, len(data), chars


# --- Queries ------------------------------------------------------------------------------

ENGLISH_QUERIES = [
    "reserved contracts", "public procurement", "direct award threshold", "social enterprises",
    "framework agreement", "civil society partnership", "procurement review", "state aid",
    "social clauses", "employment requirements", "partnership with civil society",
    "thresholds 2026",
    "tender documents", "supplier selection", "value transfer",
]
ABBREVIATION_QUERIES = [
    "IOP", "LOU", "LOV", "ASF", "LUF", "SGEI", "ESPD", "LOU tröskelvärden", "IOP utan upphandling",
    "LOV valfrihetssystem", "ASF reserverade kontrakt", "IOP avtal", "SFS 2016",
    "LOU direktupphandling",
]
PHRASE_QUERIES = [
    "reserverade kontrakt", "idéburna organisationer", "sociala företag", "sociala hänsyn",
    "idéburet offentligt partnerskap", "upphandlande myndighet",
    "arbetsintegrerande sociala företag",
]


def typo(rng, word):
    pos = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:]
    return word[:pos] + word[pos + 1:]


def queries(seed):
    """QUERY_COUNT distinct queries, weighted toward mid-frequency domain words."""
    rng = random.Random(f"{seed}/queries")
    domain = [w for w in VOCAB.content if VOCAB.kind[w] == "domain"]
    # rank ** -0.5 flattens the Zipf curve: people search for the middle, not for "kommun".
    domain_cum = list(itertools.accumulate(
        (2.0 if VOCAB.base[w] else 1.0) * VOCAB.rank[w] ** -0.5 for w in domain))
    general = [w for w in VOCAB.content[:300] if VOCAB.kind[w] in ("general", "adjective")]
    inflected = [w for w in domain if not VOCAB.base[w]]
    accented = [w for w in domain + VOCAB.compounds if w != w.translate(DIACRITICS)]
    long_words = [w for w in domain + VOCAB.compounds if len(w) >= 7]

    def pick():
        return rng.choices(domain, cum_weights=domain_cum)[0]

    def words(count):
        return " ".join(pick() for _ in range(count))

    makers = [
        (40, lambda: words(rng.choices([1, 2, 3, 4], cum_weights=[5, 8, 9.5, 10])[0])),
        (8, lambda: pick() + " " + rng.choice(general)),
        (6, lambda: rng.choice(PHRASE_QUERIES)),
        (10, lambda: rng.choice(VOCAB.compounds)),
        (8, lambda: rng.choice(inflected)),
        (8, lambda: ref_in_text(legal_ref(rng))),
        (6, lambda: rng.choice(ABBREVIATION_QUERIES)),
        (4, lambda: typo(rng, rng.choice(long_words))),
        (4, lambda: rng.choice(accented).translate(DIACRITICS)),
        (3, lambda: rng.choice(ENGLISH_QUERIES)),
        (3, lambda: pick() + " " + str(rng.randint(2022, 2027))),
    ]
    makers_cum = list(itertools.accumulate(w for w, _ in makers))
    found = {}  # insertion-ordered set
    while len(found) < QUERY_COUNT:
        query = rng.choices(makers, cum_weights=makers_cum)[0][1]()
        assert not any(c in query for c in '"()*:^'), query
        found.setdefault(query, None)
    return list(found)


# --- Main ---------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", help="folder to write the documents to")
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("seed", type=int, nargs="?", default=7, help="random seed (default 7)")
    parser.add_argument("--queries", metavar="FILE", help="also write a query set to FILE")
    args = parser.parse_args()

    folders = min(MAX_FOLDERS, max(1, math.ceil(args.n / FILES_PER_FOLDER)))
    for f in range(min(folders, args.n)):
        os.makedirs(os.path.join(args.out_dir, f"del{f:02d}"), exist_ok=True)
    html = total_bytes = total_chars = 0
    write = functools.partial(write_document, args.out_dir, folders, args.seed)
    with multiprocessing.Pool() as pool:  # documents are independent: use every core
        for is_html, size, chars in pool.imap_unordered(write, range(args.n), chunksize=64):
            html += is_html
            total_bytes += size
            total_chars += chars
    if args.queries:
        with open(args.queries, "w", encoding="utf-8") as f:
            f.write("".join(q + "\n" for q in queries(args.seed)))
    print(f"gen_corpus: {args.n} files ({args.n - html} md, {html} html) in {min(folders, args.n)} "
          f"folders, {total_bytes} bytes, ~{total_chars / 1e6:.1f} MB body text "
          f"({total_chars / max(1, args.n):.0f} chars/doc), {len(VOCAB.words)} word forms",
          file=sys.stderr)


if __name__ == "__main__":
    main()
