//! Charts as SVG drawn by the server: no chart library, no script, readable without colour
//! (every bar carries its number), and printable.

use std::fmt::Write;

/// Escapes text for SVG/XML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars, one per (label, value, shown value); values scaled to `max`.
pub fn bars(title: &str, rows: &[(String, f64, String)], max: f64) -> String {
    let (label_w, bar_w, row_h) = (220.0, 300.0, 22.0);
    let height = 40.0 + row_h * rows.len().max(1) as f64;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {w} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title),
        w = label_w + bar_w + 80.0
    );
    if rows.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="4" y="22" class="muted">暂无数据 No data</text>"#
        );
    }
    for (i, (label, value, shown)) in rows.iter().enumerate() {
        let y = 10.0 + row_h * i as f64;
        let w = if max > 0.0 {
            bar_w * (value / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{l}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="{h}" class="bar"/><text x="{vx:.1}" y="{ty}">{v}</text>"#,
            lx = label_w - 6.0,
            ty = y + 14.0,
            l = esc(label),
            h = row_h - 6.0,
            vx = label_w + w + 4.0,
            v = esc(shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Grouped columns per day for up to three series (received, accepted, decided).
pub fn columns(title: &str, days: &[(String, [u32; 3])], legend: [&str; 3]) -> String {
    let n = days.len().max(1) as f64;
    let (plot_w, plot_h, left, top) = (640.0, 160.0, 30.0, 44.0);
    let max = days
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = plot_w / n;
    let bar = (slot / 3.5).max(1.0);
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {w} {h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title),
        w = left + plot_w + 10.0,
        h = top + plot_h + 40.0
    );
    let _ = write!(
        svg,
        r#"<text x="4" y="16" class="heading">{}</text>"#,
        esc(title)
    );
    for (k, name) in legend.iter().enumerate() {
        let x = left + 150.0 * k as f64;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="24" width="10" height="10" class="s{k}"/><text x="{tx}" y="33">{n}</text>"#,
            tx = x + 14.0,
            n = esc(name)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="0" y="{y}">{max}</text><line x1="{left}" y1="{base}" x2="{x2}" y2="{base}" class="axis"/>"#,
        y = top + 10.0,
        base = top + plot_h,
        x2 = left + plot_w
    );
    for (i, (day, values)) in days.iter().enumerate() {
        let x0 = left + slot * i as f64;
        for (k, v) in values.iter().enumerate() {
            let h = plot_h * f64::from(*v) / f64::from(max);
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" class="s{k}"><title>{d} {n}: {v}</title></rect>"#,
                x = x0 + bar * k as f64,
                y = top + plot_h - h,
                d = esc(day),
                n = esc(legend[k])
            );
        }
        if days.len() <= 16 || i % (days.len() / 8).max(1) == 0 {
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{y}" class="tick">{d}</text>"#,
                x = x0,
                y = top + plot_h + 16.0,
                d = esc(day.get(5..).unwrap_or(day))
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_values_shown() {
        let svg = bars("t", &[("<a&b>".into(), 2.0, "2 件".into())], 4.0);
        assert!(svg.contains("&lt;a&amp;b&gt;") && svg.contains("2 件"));
        assert!(
            svg.contains(r#"width="150.0""#),
            "half of the 300 px bar: {svg}"
        );
        assert!(bars("t", &[], 0.0).contains("暂无数据"));
    }

    #[test]
    fn columns_scale_to_the_largest_value() {
        let svg = columns(
            "c",
            &[
                ("2026-11-23".into(), [4, 2, 0]),
                ("2026-11-24".into(), [1, 0, 1]),
            ],
            ["收件", "受理", "决定"],
        );
        assert!(svg.contains(r#"height="160.0""#), "{svg}");
        assert!(svg.contains("11-23"));
    }
}
