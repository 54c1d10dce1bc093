//! The page layout of a bureau document, after GB/T 9704 (党政机关公文格式) in spirit: the
//! issuing body's name in red at the top over a red rule, the title, the document number, the
//! body with a two-character first-line indent, then the issuer and date at the right with
//! the seal over them, and a QR code for verification at the left.
//!
//! Lines are broken here, with the font's own advance widths: a CJK character may end a line
//! anywhere, a run of Latin letters or digits stays whole when it fits on a line, and closing
//! punctuation never starts one (it hangs into the margin instead).

use std::sync::Arc;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

/// The embedded font: Noto Serif CJK SC, subset (see `fonts/OFL.txt`).
pub const FONT: &[u8] = include_bytes!("../fonts/NotoSerifSC-Core.otf");

/// Why a sheet could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font does not parse")]
    Font,
    #[error("the seal picture is not a usable SVG: {0}")]
    SealPicture(String),
    #[error("the QR code cannot hold {0} bytes")]
    QrCode(usize),
    #[error("PDF: {0}")]
    Write(String),
}

/// What a document says, in order; [`crate::render`] lays it out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// The issuing body, printed in red at the top (e.g. 济南市行政审批服务局).
    pub issuer: String,
    /// The document's title (e.g. 受理通知书).
    pub title: String,
    /// The line under the title (e.g. 济审受〔2026〕JN-2026-000123号).
    pub number: String,
    pub blocks: Vec<Block>,
    /// The date under the issuer's name at the end, as printed (e.g. 2026年12月6日).
    pub date: String,
    /// The seal's picture (an SVG document), drawn over the issuer and date.
    pub seal_svg: Option<String>,
    /// What the QR code holds (the public verification address) and the words beside it.
    pub qr: Option<(String, String)>,
    /// Small print at the foot of the last page (hashes, where to verify).
    pub footer: Vec<String>,
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph, first line indented by two characters.
    Para(String),
    /// A paragraph without indent (an addressee line, 「xxx：」).
    Plain(String),
    /// `label：value`, the value's further lines aligned under its first.
    Field(String, String),
    /// A framed note (the applicant's query code on the applicant's copy).
    Boxed(Vec<String>),
}

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const LEFT: f32 = 28.0 * MM;
const RIGHT: f32 = PAGE_W - 26.0 * MM;
const TOP: f32 = 30.0 * MM;
const BOTTOM: f32 = PAGE_H - 30.0 * MM;
const BODY: f32 = 14.0;
const LEADING: f32 = 1.75;
const RED: (u8, u8, u8) = (0xE6, 0x00, 0x12);
/// Room the closing block needs: issuer, date, the seal and QR code around them.
const CLOSING_H: f32 = 48.0 * MM;

/// One thing drawn on a page, placed.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        red: bool,
    },
    Rule {
        y: f32,
        red: bool,
    },
    Frame {
        y0: f32,
        y1: f32,
    },
    Seal {
        x: f32,
        y: f32,
        svg: String,
    },
    Qr {
        x: f32,
        y: f32,
        modules: Vec<bool>,
        width: usize,
    },
}

struct Metrics<'a> {
    face: ttf_parser::Face<'a>,
    upem: f32,
}

impl Metrics<'_> {
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map_or(1.0, |a| f32::from(a) / self.upem)
            })
            .sum::<f32>()
            * size
    }
}

/// Closing punctuation: never at the start of a line.
fn closing(c: char) -> bool {
    "，。、；：？！）》」』】〕”’,.;:?!)%".contains(c)
}

/// Splits `text` into unbreakable pieces: one CJK character, or a run of other non-space
/// characters, or a space.
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_graphic() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
        out.push(c.to_string());
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// Breaks `text` into lines of at most `first` points (the first line) and `rest` points.
fn wrap(m: &Metrics<'_>, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut room = first;
    for tok in tokens(text) {
        let fits = m.width(&line, size) + m.width(&tok, size) <= room;
        let hangs = tok.chars().all(closing);
        if fits || hangs || line.is_empty() && m.width(&tok, size) <= room {
            line.push_str(&tok);
            continue;
        }
        if line.is_empty() || m.width(&tok, size) > rest {
            // A run longer than a whole line: break it by character.
            for c in tok.chars() {
                if m.width(&line, size) + m.width(&c.to_string(), size) > room && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    room = rest;
                }
                line.push(c);
            }
            continue;
        }
        lines.push(std::mem::take(&mut line));
        room = rest;
        if tok != " " {
            line.push_str(&tok);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lays `sheet` out on pages: each page's operations, in drawing order.
fn place(sheet: &Sheet, m: &Metrics<'_>) -> Result<Vec<Vec<Op>>, PdfError> {
    let mut pages: Vec<Vec<Op>> = vec![Vec::new()];
    let mut y = TOP;
    let width = RIGHT - LEFT;
    let line_h = BODY * LEADING;
    let centred = |text: &str, size: f32, m: &Metrics<'_>| (PAGE_W - m.width(text, size)) / 2.0;
    let page = |pages: &mut Vec<Vec<Op>>| {
        pages.push(Vec::new());
        TOP
    };
    let push = |pages: &mut Vec<Vec<Op>>, op: Op| {
        if let Some(p) = pages.last_mut() {
            p.push(op);
        }
    };

    // Letterhead.
    let head = 24.0_f32.min(width / sheet.issuer.chars().count().max(1) as f32);
    y += head;
    push(
        &mut pages,
        Op::Text {
            x: centred(&sheet.issuer, head, m),
            y,
            size: head,
            text: sheet.issuer.clone(),
            red: true,
        },
    );
    y += 5.0 * MM;
    push(&mut pages, Op::Rule { y, red: true });
    y += 14.0 * MM;
    for line in wrap(m, &sheet.title, 22.0, width, width) {
        push(
            &mut pages,
            Op::Text {
                x: centred(&line, 22.0, m),
                y,
                size: 22.0,
                text: line,
                red: false,
            },
        );
        y += 22.0 * 1.5;
    }
    if !sheet.number.is_empty() {
        for line in wrap(m, &sheet.number, 12.0, width, width) {
            push(
                &mut pages,
                Op::Text {
                    x: centred(&line, 12.0, m),
                    y,
                    size: 12.0,
                    text: line,
                    red: false,
                },
            );
            y += 12.0 * 1.5;
        }
    }
    y += 4.0 * MM;

    for block in &sheet.blocks {
        let (indent, label, text) = match block {
            Block::Para(t) => (2.0 * BODY, String::new(), t.clone()),
            Block::Plain(t) => (0.0, String::new(), t.clone()),
            Block::Field(l, v) => (0.0, format!("{l}："), v.clone()),
            Block::Boxed(lines) => {
                let inner: Vec<String> = lines
                    .iter()
                    .flat_map(|l| wrap(m, l, BODY, width - 8.0 * MM, width - 8.0 * MM))
                    .collect();
                let h = inner.len() as f32 * line_h + 4.0 * MM;
                y += 0.4 * line_h;
                if y + h > BOTTOM {
                    y = page(&mut pages);
                }
                let y0 = y;
                y += 2.0 * MM;
                for l in inner {
                    y += line_h;
                    push(
                        &mut pages,
                        Op::Text {
                            x: LEFT + 4.0 * MM,
                            y: y - line_h * 0.3,
                            size: BODY,
                            text: l,
                            red: false,
                        },
                    );
                }
                y += 2.0 * MM;
                push(&mut pages, Op::Frame { y0, y1: y });
                y += 2.0 * MM;
                continue;
            }
        };
        let label_w = m.width(&label, BODY);
        let lines = wrap(m, &text, BODY, width - indent - label_w, width - label_w);
        for (i, l) in lines.into_iter().enumerate() {
            if y + line_h > BOTTOM {
                y = page(&mut pages);
            }
            y += line_h;
            if i == 0 && !label.is_empty() {
                push(
                    &mut pages,
                    Op::Text {
                        x: LEFT,
                        y,
                        size: BODY,
                        text: label.clone(),
                        red: false,
                    },
                );
            }
            let x = LEFT + label_w + if i == 0 { indent } else { 0.0 };
            push(
                &mut pages,
                Op::Text {
                    x,
                    y,
                    size: BODY,
                    text: l,
                    red: false,
                },
            );
        }
    }

    // Closing: issuer and date at the right, the seal over them, the QR code at the left.
    if y + CLOSING_H > BOTTOM {
        y = page(&mut pages);
    }
    y += 14.0 * MM;
    let issuer_w = m.width(&sheet.issuer, BODY);
    let date_w = m.width(&sheet.date, BODY);
    let block_w = issuer_w.max(date_w);
    let right_x = RIGHT - 4.0 * MM - block_w;
    push(
        &mut pages,
        Op::Text {
            x: right_x + (block_w - issuer_w) / 2.0,
            y,
            size: BODY,
            text: sheet.issuer.clone(),
            red: false,
        },
    );
    push(
        &mut pages,
        Op::Text {
            x: right_x + (block_w - date_w) / 2.0,
            y: y + line_h,
            size: BODY,
            text: sheet.date.clone(),
            red: false,
        },
    );
    if let Some(svg) = &sheet.seal_svg {
        let d = 42.0 * MM;
        push(
            &mut pages,
            Op::Seal {
                x: right_x + block_w / 2.0 - d / 2.0,
                y: y + line_h / 2.0 - d / 2.0 - BODY / 2.0,
                svg: svg.clone(),
            },
        );
    }
    if let Some((data, caption)) = &sheet.qr {
        let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
            .map_err(|_| PdfError::QrCode(data.len()))?;
        let modules = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        let top = y - 12.0 * MM;
        push(
            &mut pages,
            Op::Qr {
                x: LEFT,
                y: top,
                modules,
                width: code.width(),
            },
        );
        let mut cy = top + 26.0 * MM + 9.0;
        for l in wrap(m, caption, 8.0, 60.0 * MM, 60.0 * MM) {
            push(
                &mut pages,
                Op::Text {
                    x: LEFT,
                    y: cy,
                    size: 8.0,
                    text: l,
                    red: false,
                },
            );
            cy += 11.0;
        }
    }
    let mut fy = BOTTOM + 8.0 * MM;
    for f in &sheet.footer {
        for l in wrap(m, f, 7.0, width, width) {
            push(
                &mut pages,
                Op::Text {
                    x: LEFT,
                    y: fy,
                    size: 7.0,
                    text: l,
                    red: false,
                },
            );
            fy += 9.0;
        }
    }
    Ok(pages)
}

fn fill(red: bool) -> Fill {
    let (r, g, b) = if red { RED } else { (0, 0, 0) };
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        ..Fill::default()
    }
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut p = PathBuilder::new();
    p.push_rect(Rect::from_xywh(x, y, w, h)?);
    p.finish()
}

fn draw_op(s: &mut Surface<'_>, font: &Font, op: &Op, svg: &usvg::Options<'_>) -> Option<()> {
    match op {
        Op::Text {
            x,
            y,
            size,
            text,
            red,
        } => {
            s.set_fill(Some(fill(*red)));
            s.draw_text(
                Point::from_xy(*x, *y),
                font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rule { y, red } => {
            s.set_fill(Some(fill(*red)));
            s.draw_path(&rect_path(LEFT, *y, RIGHT - LEFT, 1.0)?);
        }
        Op::Frame { y0, y1 } => {
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                width: 0.8,
                ..Stroke::default()
            }));
            s.draw_path(&rect_path(LEFT, *y0, RIGHT - LEFT, y1 - y0)?);
            s.set_stroke(None);
        }
        Op::Seal { x, y, svg: text } => {
            let tree = usvg::Tree::from_str(text, svg).ok()?;
            let d = 42.0 * MM;
            s.push_transform(&Transform::from_translate(*x, *y));
            s.draw_svg(
                &tree,
                Size::from_wh(d, d)?,
                SvgSettings {
                    embed_text: false,
                    ..SvgSettings::default()
                },
            );
            s.pop();
        }
        Op::Qr {
            x,
            y,
            modules,
            width,
        } => {
            let side = 24.0 * MM;
            let cell = side / (*width as f32 + 8.0);
            let mut p = PathBuilder::new();
            for (i, dark) in modules.iter().enumerate() {
                if *dark {
                    let (cx, cy) = ((i % width) as f32 + 4.0, (i / width) as f32 + 4.0);
                    p.push_rect(Rect::from_xywh(x + cx * cell, y + cy * cell, cell, cell)?);
                }
            }
            s.set_fill(Some(fill(false)));
            s.draw_path(&p.finish()?);
        }
    }
    Some(())
}

/// Draws `sheet` into `doc`.
pub(crate) fn draw(doc: &mut Document, sheet: &Sheet) -> Result<(), PdfError> {
    let face = ttf_parser::Face::parse(FONT, 0).map_err(|_| PdfError::Font)?;
    let m = Metrics {
        upem: f32::from(face.units_per_em()),
        face,
    };
    let font = Font::new(FONT.into(), 0).ok_or(PdfError::Font)?;
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(FONT.to_vec());
    let svg = usvg::Options {
        fontdb: Arc::new(db),
        font_family: "Noto Serif CJK SC".to_owned(),
        ..usvg::Options::default()
    };
    if let Some(text) = &sheet.seal_svg {
        usvg::Tree::from_str(text, &svg).map_err(|e| PdfError::SealPicture(e.to_string()))?;
    }
    for ops in place(sheet, &m)? {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| PdfError::Write("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for op in &ops {
            draw_op(&mut surface, &font, op, &svg)
                .ok_or_else(|| PdfError::Write("geometry".into()))?;
        }
        surface.finish();
        page.finish();
    }
    Ok(())
}

#[cfg(test)]
pub(crate) fn wrap_for_test(text: &str, size: f32, width: f32) -> Vec<String> {
    let face = ttf_parser::Face::parse(FONT, 0).ok();
    face.map(|face| {
        let m = Metrics {
            upem: f32::from(face.units_per_em()),
            face,
        };
        wrap(&m, text, size, width, width)
    })
    .unwrap_or_default()
}
