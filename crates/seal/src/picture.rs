//! The seal image: a red round official seal drawn as SVG.
//!
//! Why this module exists: a GB/T 38540 seal carries its own picture (`SES_ESPictrueInfo`,
//! type `SVG` here), and the printed decision shows it. Drawing it from the seal's data
//! keeps the image reproducible (same inputs, same bytes) and free of bundled artwork.
//!
//! Layout of the round seal (sizes in mm, the standard being 42 mm): a red rim; the bureau
//! name along the upper arc, one `<text>` per character, each placed and rotated on the
//! arc, so the layout does not depend on a renderer's `textPath` support or font metrics;
//! a five-pointed star in the centre; a horizontal label below the star. All text is XML
//! escaped. The function is pure: no fonts are read, no files written.

use core::f64::consts::PI;
use core::fmt::Write as _;

/// The seal red commonly used for official seals.
pub const SEAL_RED: &str = "#E60012";

/// Serif CJK fonts, in order of preference; a seal uses a Song/Fangsong-style face.
pub const DEFAULT_FONT_FAMILY: &str =
    "'Noto Serif CJK SC', 'Source Han Serif SC', SimSun, 'Songti SC', serif";

/// Diameter of the standard round official seal, in mm.
pub const STANDARD_DIAMETER_MM: f64 = 42.0;

/// Height of a CJK glyph's visual centre above its baseline, in em.
const BASELINE_TO_CENTRE_EM: f64 = 0.38;

/// Largest arc span for the name, in degrees (the rest of the rim stays free below).
const MAX_ARC_SPAN_DEG: f64 = 240.0;

/// Why a seal picture cannot be drawn.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PictureError {
    /// Diameter outside 10..=100 mm or not a finite number.
    #[error("diameter {0} mm is outside 10..=100 mm")]
    DiameterOutOfRange(f64),
    /// Rim width not in (0, diameter / 10].
    #[error("rim width {0} mm must be positive and at most a tenth of the diameter")]
    RimOutOfRange(f64),
    /// The arc text is empty.
    #[error("the arc text (bureau name) is empty")]
    EmptyArcText,
    /// More characters than fit legibly on the arc.
    #[error("arc text has {0} characters; at most 40 fit")]
    ArcTextTooLong(usize),
}

/// What to draw; see [`RoundSealSpec::standard`].
#[derive(Clone, Debug, PartialEq)]
pub struct RoundSealSpec<'a> {
    /// Outer diameter in mm.
    pub diameter_mm: f64,
    /// Rim stroke width in mm.
    pub rim_width_mm: f64,
    /// Text along the upper arc, e.g. "济南市行政审批服务局".
    pub arc_text: &'a str,
    /// Horizontal label below the star, e.g. "行政审批专用章"; may be empty.
    pub bottom_text: &'a str,
    /// Fill and stroke colour.
    pub color: &'a str,
    /// CSS font-family list.
    pub font_family: &'a str,
}

impl<'a> RoundSealSpec<'a> {
    /// The standard 42 mm seal with a 1.2 mm rim, seal red and a serif CJK font.
    pub fn standard(arc_text: &'a str, bottom_text: &'a str) -> Self {
        Self {
            diameter_mm: STANDARD_DIAMETER_MM,
            rim_width_mm: 1.2,
            arc_text,
            bottom_text,
            color: SEAL_RED,
            font_family: DEFAULT_FONT_FAMILY,
        }
    }
}

/// Renders the round seal as a standalone SVG document sized in millimetres.
pub fn render_round_seal_svg(spec: &RoundSealSpec<'_>) -> Result<String, PictureError> {
    check(spec)?;
    let d = spec.diameter_mm;
    let c = d / 2.0;
    let color = escape_xml(spec.color);
    let font = escape_xml(spec.font_family);
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{d}mm\" height=\"{d}mm\" \
         viewBox=\"0 0 {d} {d}\">"
    );
    let _ = write!(
        svg,
        "<circle cx=\"{c:.2}\" cy=\"{c:.2}\" r=\"{r:.2}\" fill=\"none\" stroke=\"{color}\" \
         stroke-width=\"{w:.2}\"/>",
        r = c - spec.rim_width_mm / 2.0,
        w = spec.rim_width_mm,
    );
    let _ = write!(
        svg,
        "<polygon points=\"{}\" fill=\"{color}\"/>",
        star_points(c, c, 0.33 * c)
    );
    let _ = write!(
        svg,
        "<g fill=\"{color}\" font-family=\"{font}\" font-weight=\"bold\" \
         text-anchor=\"middle\">"
    );
    arc_text(&mut svg, spec);
    bottom_text(&mut svg, spec);
    svg.push_str("</g></svg>");
    Ok(svg)
}

fn check(spec: &RoundSealSpec<'_>) -> Result<(), PictureError> {
    let d = spec.diameter_mm;
    if !(10.0..=100.0).contains(&d) {
        return Err(PictureError::DiameterOutOfRange(d));
    }
    let rim = spec.rim_width_mm;
    if !(rim > 0.0 && rim <= d / 10.0) {
        return Err(PictureError::RimOutOfRange(rim));
    }
    let n = spec.arc_text.chars().count();
    if n == 0 {
        return Err(PictureError::EmptyArcText);
    }
    if n > 40 {
        return Err(PictureError::ArcTextTooLong(n));
    }
    Ok(())
}

/// Ten vertices alternating outer and inner radius, first point straight up.
fn star_points(cx: f64, cy: f64, outer: f64) -> String {
    // Inner radius of a regular pentagram: outer * sin(18°) / sin(126°) ≈ 0.382 * outer.
    let inner = outer * (PI / 10.0).sin() / (7.0 * PI / 10.0).sin();
    let mut points = String::new();
    for i in 0..10u32 {
        let radius = if i % 2 == 0 { outer } else { inner };
        let angle = f64::from(i) * PI / 5.0;
        let x = cx + radius * angle.sin();
        let y = cy - radius * angle.cos();
        if i > 0 {
            points.push(' ');
        }
        let _ = write!(points, "{x:.2},{y:.2}");
    }
    points
}

fn arc_text(svg: &mut String, spec: &RoundSealSpec<'_>) {
    let radius = spec.diameter_mm / 2.0;
    let c = radius;
    let chars: Vec<char> = spec.arc_text.chars().collect();
    let n = chars.len();
    let gap = 0.06 * radius;
    let nominal_font = 0.3 * radius;
    let text_radius = |font: f64| radius - spec.rim_width_mm - gap - font / 2.0;
    // Nominal pitch: one em of arc per character; shrink when the name would exceed the
    // maximum span.
    let nominal_pitch = (nominal_font / text_radius(nominal_font)).to_degrees();
    let pitch = match n {
        0 | 1 => nominal_pitch,
        _ => nominal_pitch.min(MAX_ARC_SPAN_DEG / (n as f64 - 1.0)),
    };
    let font = nominal_font.min(0.95 * pitch.to_radians() * text_radius(nominal_font));
    // Renderers disagree on `dominant-baseline`, so place the baseline explicitly: a CJK
    // glyph's visual centre sits about 0.38 em above its baseline.
    let rt = text_radius(font) - BASELINE_TO_CENTRE_EM * font;
    let span = pitch * (n.saturating_sub(1)) as f64;
    for (i, ch) in chars.iter().enumerate() {
        let theta = -span / 2.0 + pitch * i as f64;
        let x = c + rt * theta.to_radians().sin();
        let y = c - rt * theta.to_radians().cos();
        let mut buf = [0u8; 4];
        let _ = write!(
            svg,
            "<text x=\"{x:.2}\" y=\"{y:.2}\" font-size=\"{font:.2}\" \
             transform=\"rotate({theta:.2} {x:.2} {y:.2})\">{}</text>",
            escape_xml(ch.encode_utf8(&mut buf))
        );
    }
}

fn bottom_text(svg: &mut String, spec: &RoundSealSpec<'_>) {
    let n = spec.bottom_text.chars().count();
    if n == 0 {
        return;
    }
    let radius = spec.diameter_mm / 2.0;
    let y_offset = 0.5 * radius;
    let inner = radius - spec.rim_width_mm - 0.06 * radius;
    // Keep the label inside the chord at its height, with a margin.
    let chord = 2.0 * (inner * inner - y_offset * y_offset).max(0.0).sqrt();
    let font = (0.2 * radius).min(0.85 * chord / n as f64);
    let _ = write!(
        svg,
        "<text x=\"{c:.2}\" y=\"{y:.2}\" font-size=\"{font:.2}\">{}</text>",
        escape_xml(spec.bottom_text),
        c = radius,
        y = radius + y_offset + BASELINE_TO_CENTRE_EM * font,
    );
}

/// Escapes the five XML special characters, for text and attribute values alike, and
/// replaces characters XML 1.0 forbids with U+FFFD.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids even as references.
            '\t' | '\n' | '\r' => out.push(ch),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests;
