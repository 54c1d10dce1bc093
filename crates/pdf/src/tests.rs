use super::*;
use crate::layout::wrap_for_test;
use time::macros::datetime;

fn seal_svg() -> String {
    // The seal crate draws the same kind of picture; a hand-made one keeps this crate free of it.
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"42mm\" height=\"42mm\" viewBox=\"0 0 42 42\">\
     <circle cx=\"21\" cy=\"21\" r=\"20.4\" fill=\"none\" stroke=\"#E60012\" stroke-width=\"1.2\"/>\
     <g fill=\"#E60012\" font-family=\"'Noto Serif CJK SC', serif\" font-weight=\"bold\" text-anchor=\"middle\">\
     <text x=\"21\" y=\"34\" font-size=\"4\">行政审批专用章</text></g></svg>"
        .to_owned()
}

fn sheet() -> Sheet {
    Sheet {
        issuer: "济南市行政审批服务局".into(),
        title: "不予行政许可决定书".into(),
        number: "济审不许〔2026〕JN-2026-000123号".into(),
        blocks: vec![
            Block::Plain("山东示例科技有限公司：".into()),
            Block::Para(
                "你（单位）于2026年11月2日提出的食品经营许可申请（事项编码 11370100MB0000000X），本局依法进行了审查。\
                 经审查，申请不符合法定条件，根据《中华人民共和国行政许可法》第三十八条第二款的规定，决定不予行政许可。"
                    .into(),
            ),
            Block::Field("理由".into(), "经营场所与申请材料不符；".repeat(6)),
            Block::Boxed(vec!["查询码：ABCD-EFGH".into()]),
        ],
        date: "2026年12月6日".into(),
        seal_svg: Some(seal_svg()),
        qr: Some((
            "https://bureau.example/verify/1.2.156.3005.2.X".into(),
            "扫码核验印章与文书".into(),
        )),
        footer: vec!["文书SM3：0123456789abcdef".into()],
    }
}

#[test]
fn same_sheet_and_time_give_the_same_bytes() -> Result<(), PdfError> {
    let t = datetime!(2026-12-06 09:30:00 +8);
    let started = std::time::Instant::now();
    let a = render(&sheet(), t)?;
    eprintln!("one page: {} bytes in {:?}", a.len(), started.elapsed());
    let b = render(&sheet(), t)?;
    assert!(a.starts_with(b"%PDF-"));
    assert_eq!(a, b);
    let later = render(&sheet(), datetime!(2026-12-06 09:30:01 +8))?;
    assert_ne!(a, later, "the creation date is in the file");
    let mut other = sheet();
    other.title = "准予行政许可决定书".into();
    assert_ne!(a, render(&other, t)?);
    if let Some(path) = std::env::var_os("ONESEAL_PDF_SAMPLE") {
        std::fs::write(path, &a).map_err(|e| PdfError::Write(e.to_string()))?;
    }
    Ok(())
}

#[test]
fn the_font_is_subset_not_embedded_whole() -> Result<(), PdfError> {
    let pdf = render(&sheet(), datetime!(2026-12-06 09:30:00 +8))?;
    assert!(
        pdf.len() < FONT.len() / 10,
        "{} bytes for a one-page document",
        pdf.len()
    );
    Ok(())
}

#[test]
fn a_long_text_runs_onto_a_second_page() -> Result<(), PdfError> {
    let mut s = sheet();
    s.blocks = (0..60).map(|i| Block::Para(format!("第{i}段。"))).collect();
    let pdf = render(&s, datetime!(2026-12-06 09:30:00 +8))?;
    let count = |pat: &[u8]| pdf.windows(pat.len()).filter(|w| *w == pat).count();
    let pages = count(b"/Type/Page") - count(b"/Type/Pages");
    assert!(pages >= 2, "{pages} pages");
    Ok(())
}

#[test]
fn a_broken_seal_picture_is_an_error_not_a_blank() {
    let mut s = sheet();
    s.seal_svg = Some("<svg".into());
    assert!(matches!(
        render(&s, datetime!(2026-12-06 09:30:00 +8)),
        Err(PdfError::SealPicture(_))
    ));
}

#[test]
fn lines_keep_latin_runs_whole_and_never_start_with_closing_punctuation() {
    let lines = wrap_for_test(
        "编号JN-2026-000123，已受理。编号JN-2026-000124，已受理。",
        14.0,
        14.0 * 12.0,
    );
    assert!(lines.len() > 1, "{lines:?}");
    for l in &lines {
        assert!(!l.starts_with(['，', '。']), "{lines:?}");
    }
    assert!(
        lines.iter().any(|l| l.contains("JN-2026-000123")),
        "{lines:?}"
    );
    assert_eq!(
        lines.concat(),
        "编号JN-2026-000123，已受理。编号JN-2026-000124，已受理。"
    );
}

#[test]
fn the_font_covers_names_beyond_gb2312_and_names_what_it_lacks() {
    assert!(missing_glyphs("济南市行政审批服务局，准予行政许可决定书（ABC-123）").is_empty());
    assert!(missing_glyphs("王喆、李堃、朱镕").is_empty());
    assert_eq!(missing_glyphs("王㐀㐀"), vec!['㐀']);
}
