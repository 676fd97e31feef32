//! Pictures generated from data as inline SVG (no images drawn by hand, no script): the
//! comparison of grant, IOP, LOV, procurement and reserved procurement (from the corpus's
//! `jamforelse.toml`), and the IOP check's path with the user's answers marked. SVG uses presentation attributes only, so the strict
//! Content-Security-Policy (no inline styles) holds.

use super::ui::{Lang, text};
use crate::curated::comparison::Comparison;
use crate::curated::iop::Verdict;
use crate::markup::escape_html as esc;

/// The comparison as a grid: one row per instrument, columns initiative, competition, payment.
pub fn comparison(table: &Comparison, lang: Lang) -> String {
    let cols = [
        text(lang, "compare.initiative_q"),
        text(lang, "compare.competition_q"),
        text(lang, "compare.payment_q"),
    ];
    let (row_h, first_w, col_w, head_h) = (64, 190, 230, 44);
    let width = first_w + col_w * cols.len() + 2;
    let height = head_h + row_h * table.instrument.len() + 2;
    let fills = ["#e6f2e6", "#e8f1f8", "#fff3d6", "#f3e8f8", "#fde8e8"];
    let mut svg = format!(
        "<svg class=\"diagram\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"jfr-titel jfr-besk\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"jfr-titel\">{}</title><desc id=\"jfr-besk\">{}</desc>",
        esc(text(lang, "compare.svg_title")),
        esc(text(lang, "compare.svg_desc"))
    );
    for (i, c) in cols.iter().enumerate() {
        let x = first_w + col_w * i;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"1\" width=\"{col_w}\" height=\"{head_h}\" fill=\"#00508a\"/><text x=\"{}\" y=\"28\" fill=\"#ffffff\" font-size=\"15\" font-weight=\"bold\" text-anchor=\"middle\">{}</text>",
            x + col_w / 2,
            esc(c)
        ));
    }
    for (r, ins) in table.instrument.iter().enumerate() {
        let l = lang.code();
        let y = head_h + row_h * r + 1;
        let fill = fills[r % fills.len()];
        svg.push_str(&format!(
            "<rect x=\"1\" y=\"{y}\" width=\"{}\" height=\"{row_h}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"2\"/>",
            width - 2
        ));
        svg.push_str(&format!("<text x=\"12\" y=\"{}\" fill=\"#1b1b1b\" font-size=\"16\" font-weight=\"bold\">{}</text>", y + 38, esc(ins.name.get(l))));
        for (i, v) in [&ins.initiative, &ins.competition, &ins.payment]
            .iter()
            .enumerate()
        {
            let x = first_w + col_w * i + col_w / 2;
            svg.push_str(&format!("<text x=\"{x}\" y=\"{}\" fill=\"#1b1b1b\" font-size=\"14\" text-anchor=\"middle\">{}</text>", y + 38, esc(v.get(l))));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Shortens `s` to at most `n` characters, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// The IOP check's path: one box per legal test, in order, marked with what it came to (decided,
/// ruled out, unknown, passed, not needed), ending in the indication. The page shows the same
/// steps as a list, which replaces the drawing on narrow screens.
pub fn iop_path(verdict: &Verdict, lang: Lang) -> String {
    let (box_h, gap, width) = (58, 16, 760);
    let n = verdict.path.len();
    let height = (box_h + gap) * (n + 1) + 10;
    let mut svg = format!(
        "<svg class=\"diagram\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"iop-titel\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"iop-titel\">{}</title>",
        esc(text(lang, "iop.svg_title"))
    );
    for (i, step) in verdict.path.iter().enumerate() {
        let y = i * (box_h + gap) + 4;
        let status = step.status.code();
        let (fill, stroke, ink, dash) = match status {
            "avgor" => ("#00508a", "#00508a", "#ffffff", ""),
            "utesluter" => ("#fff8e1", "#b26a00", "#1b1b1b", ""),
            "oklart" => ("#ffffff", "#a4000f", "#1b1b1b", " stroke-dasharray=\"6 4\""),
            "ej-provad" => ("#f4f4f4", "#6b7280", "#1b1b1b", ""),
            _ => ("#e8f1f8", "#00508a", "#1b1b1b", ""),
        };
        svg.push_str(&format!(
            "<rect x=\"4\" y=\"{y}\" width=\"{}\" height=\"{box_h}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"{dash}/>\
<text x=\"16\" y=\"{}\" fill=\"{ink}\" font-size=\"15\" font-weight=\"bold\">{}. {} – {}</text><text x=\"16\" y=\"{}\" fill=\"{ink}\" font-size=\"13\">{}</text>",
            width - 8,
            y + 22,
            i + 1,
            esc(&step.title),
            esc(text(lang, &format!("iop.step.{status}"))),
            y + 44,
            esc(&short(&step.result, 100))
        ));
        svg.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#6b7280\" stroke-width=\"2\"/>",
            width / 2,
            y + box_h,
            width / 2,
            y + box_h + gap
        ));
    }
    let y = n * (box_h + gap) + 4;
    svg.push_str(&format!(
        "<rect x=\"4\" y=\"{y}\" width=\"{}\" height=\"{box_h}\" rx=\"6\" fill=\"#1b1b1b\"/><text x=\"{}\" y=\"{}\" fill=\"#ffffff\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">{} ({}: {})</text></svg>",
        width - 8,
        width / 2,
        y + 35,
        esc(&short(&verdict.title, 70)),
        esc(text(lang, "iop.certainty_short")),
        esc(text(lang, &format!("certainty.{}", verdict.certainty)))
    ));
    svg
}
