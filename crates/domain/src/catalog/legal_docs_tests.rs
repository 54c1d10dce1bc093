//! Issue #21: "the catalog's 33 real items carry their legal settings with sources in docs/".
//! The tables of `docs/LEGAL-SETTINGS.md` are checked against `real-items.csv`, so the two
//! cannot drift apart: every real item has its row, and every setting that departs from the
//! Licensing Law's general rule is named there with the provision it comes from.

use super::legal::LegalSettings;
use super::real_items;

const DOCS: &str = include_str!("../../../../docs/LEGAL-SETTINGS.md");

/// The law and article of a source: up to the first 条 after the law's title, e.g.
/// `《行政许可法》第七十条` of `《行政许可法》第七十条（依申请注销：…）`.
fn law_of(source: &str) -> &str {
    let Some(title_end) = source.find('》') else {
        return source;
    };
    match source[title_end..].find('条') {
        Some(i) => &source[..title_end + i + '条'.len_utf8()],
        None => source,
    }
}

/// The sources of the settings that depart from the general rule.
fn special_sources(legal: &LegalSettings) -> Vec<&str> {
    let general = LegalSettings::default();
    let mut out = Vec::new();
    if legal.extension != general.extension {
        out.push(legal.extension.source.as_str());
    }
    if legal.notice_window != general.notice_window {
        out.push(legal.notice_window.source.as_str());
    }
    if legal.clock_start != general.clock_start {
        out.push(legal.clock_start.source.as_str());
    }
    for c in [
        &legal.renewal_lead,
        &legal.licence_term,
        &legal.start_deadline,
    ]
    .into_iter()
    .flatten()
    {
        out.push(c.source.as_str());
    }
    out.extend(
        legal
            .excluded_caps
            .iter()
            .map(super::legal::ExcludedCap::source),
    );
    for s in [
        &legal.public_safety,
        &legal.holder_cancellation,
        &legal.hearing_required,
    ]
    .into_iter()
    .flatten()
    {
        out.push(s.as_str());
    }
    if let Some(o) = &legal.on_the_spot {
        out.push(o.source.as_str());
    }
    out
}

#[test]
fn the_33_real_items_settings_and_sources_are_in_the_docs() {
    let items = real_items().unwrap();
    let main: Vec<_> = items
        .iter()
        .filter(|i| i.basic_code.as_str().ends_with("000"))
        .collect();
    assert_eq!(main.len(), 33);
    for item in main {
        let code = item.basic_code.as_str();
        let rows: String = DOCS
            .lines()
            .filter(|l| l.contains(&format!("| {code} |")))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!rows.is_empty(), "{code} {} has no row", item.name);
        for source in special_sources(&item.legal) {
            let law = law_of(source);
            assert!(rows.contains(law), "{code}: {law} missing from\n{rows}");
        }
        if item.legal.clock_start.value == super::legal::ClockStart::Receipt {
            assert!(rows.contains("receipt"), "{code}");
        }
    }
}

#[test]
fn law_of_cuts_the_article_off_its_comment() {
    assert_eq!(
        law_of("《行政许可法》第七十条（依申请注销：关联事项）"),
        "《行政许可法》第七十条"
    );
    assert_eq!(
        law_of("《规定》（部令第51号）第二十二条"),
        "《规定》（部令第51号）第二十二条"
    );
    assert_eq!(law_of("无书名号"), "无书名号");
}
