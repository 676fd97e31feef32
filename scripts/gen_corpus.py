#!/usr/bin/env python3
"""Deterministic synthetic Swedish guidance corpus for load and performance runs.

Usage: scripts/gen_corpus.py OUT_DIR N [SEED]
Writes N Markdown documents (with front matter, headings and Swedish procurement vocabulary,
including compounds and å/ä/ö/é) under OUT_DIR. Same arguments, same bytes.
"""
import os
import random
import sys

WORDS = """upphandling upphandlingen upphandlingar direktupphandling tröskelvärde tröskelvärden
kommun kommunen region myndighet leverantör leverantörer anbud avtal ramavtal kontrakt
reserverade kontrakt sociala företag idéburen idéburna organisation organisationer partnerskap
överenskommelse överprövning förvaltningsrätten sysselsättningskrav upphandlingsdokument
valfrihetssystem bidrag föreningsbidrag statsstöd värdeöverföring register Kammarkollegiet
arbetsintegrerande målgrupp funktionsnedsättning arbetsmarknaden uppföljning riktlinjer
dokumentation avtalsspärr upphandlingsskadeavgift innovationspartnerskap dialog kriterier
hållbarhet miljö kvalitet pris utvärdering tilldelning beslut förfarande annonsering
välfärdstjänster hemtjänst äldreomsorg skola kultur idrott fritid ungdom stöd samverkan""".split()
FILL = "och att i som för på med av är det en till den om har inte kan ska får vid under enligt".split()
HEADINGS = ["Bakgrund", "Vad gäller?", "Så gör ni", "Vanliga frågor", "Exempel", "Uppföljning",
            "Rättslig grund", "Tips för upphandlare", "För föreningar", "Sammanfattning"]


def sentence(rng):
    n = rng.randint(8, 20)
    words = [rng.choice(WORDS) if rng.random() < 0.45 else rng.choice(FILL) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    rng = random.Random(seed)
    for i in range(n):
        folder = os.path.join(out, f"del{i % 20:02d}")
        os.makedirs(folder, exist_ok=True)
        title = f"{rng.choice(WORDS).capitalize()} och {rng.choice(WORDS)} – vägledning {i}"
        parts = [f"---\ntitle: \"{title}\"\nsummary: \"Genererat dokument {i}.\"\nlanguage: sv\nreviewed: 2026-11-01\n---\n",
                 f"# {title}\n"]
        for h in rng.sample(HEADINGS, rng.randint(2, 5)):
            parts.append(f"\n## {h}\n\n" + " ".join(sentence(rng) for _ in range(rng.randint(3, 12))) + "\n")
        with open(os.path.join(folder, f"dok-{i:06d}.md"), "w", encoding="utf-8") as f:
            f.write("".join(parts))


if __name__ == "__main__":
    main()
