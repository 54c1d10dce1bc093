use super::*;

const NAME: &str = "济南市行政审批服务局";
const LABEL: &str = "行政审批专用章";

fn standard_svg() -> String {
    render_round_seal_svg(&RoundSealSpec::standard(NAME, LABEL)).unwrap()
}

/// Minimal tag checker: every start tag is closed in order, self-closing tags stand alone.
fn assert_balanced(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("unterminated tag") + start;
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "nested '<' inside tag {tag:?}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap().to_owned();
            stack.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

#[test]
fn standard_seal_is_balanced_svg_sized_in_millimetres() {
    let svg = standard_svg();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("width=\"42mm\" height=\"42mm\""));
    assert!(svg.contains("viewBox=\"0 0 42 42\""));
    assert_balanced(&svg);
}

#[test]
fn every_name_character_is_its_own_rotated_text_element() {
    let svg = standard_svg();
    for ch in NAME.chars() {
        let element = format!(">{ch}</text>");
        assert_eq!(
            svg.matches(&element).count(),
            NAME.matches(ch).count(),
            "{ch}"
        );
    }
    assert_eq!(svg.matches("rotate(").count(), NAME.chars().count());
    assert!(svg.contains(&format!(">{LABEL}</text>")));
}

#[test]
fn arc_characters_run_clockwise_and_symmetric_over_the_top() {
    let svg = standard_svg();
    let n = NAME.chars().count();
    let angles: Vec<f64> = svg
        .split("rotate(")
        .skip(1)
        .map(|s| s.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(angles.len(), n);
    assert!(angles.windows(2).all(|w| w[0] < w[1]), "{angles:?}");
    assert!((angles[0] + angles[n - 1]).abs() < 0.02, "{angles:?}");
    // Each character sits on one circle around the centre, inside the rim.
    let coords: Vec<(f64, f64)> = svg
        .split("<text x=\"")
        .skip(1)
        .take(n)
        .map(|s| {
            let x: f64 = s.split('"').next().unwrap().parse().unwrap();
            let y: f64 = s
                .split("y=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (x, y)
        })
        .collect();
    let r = |(x, y): (f64, f64)| ((x - 21.0).powi(2) + (y - 21.0).powi(2)).sqrt();
    let r0 = r(coords[0]);
    assert!(coords.iter().all(|&p| (r(p) - r0).abs() < 0.02));
    assert!(r0 < 21.0 - 1.2);
    // The middle of the name is at the top: smaller y than the ends.
    assert!(coords[n / 2].1 < coords[0].1 && coords[n / 2].1 < coords[n - 1].1);
}

#[test]
fn red_rim_and_five_pointed_star_are_drawn() {
    let svg = standard_svg();
    assert!(svg.contains("<circle cx=\"21.00\" cy=\"21.00\" r=\"20.40\""));
    assert!(svg.contains("stroke=\"#E60012\""));
    let points = svg
        .split("<polygon points=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let pts: Vec<(f64, f64)> = points
        .split(' ')
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    assert_eq!(pts.len(), 10);
    // first point straight up from the centre, outer points all at the same radius
    assert!((pts[0].0 - 21.0).abs() < 0.01 && pts[0].1 < 21.0);
    let r = |p: (f64, f64)| ((p.0 - 21.0).powi(2) + (p.1 - 21.0).powi(2)).sqrt();
    for i in (0..10).step_by(2) {
        assert!((r(pts[i]) - r(pts[0])).abs() < 0.02);
        assert!(r(pts[i + 1]) < 0.45 * r(pts[0]));
    }
}

#[test]
fn markup_in_texts_is_escaped() {
    let spec = RoundSealSpec {
        color: "red\"/><script>",
        font_family: "a'b",
        ..RoundSealSpec::standard("A<&B", "<x&y>")
    };
    let svg = render_round_seal_svg(&spec).unwrap();
    assert!(svg.contains(">&lt;</text>"));
    assert!(svg.contains(">&amp;</text>"));
    assert!(svg.contains(">&lt;x&amp;y&gt;</text>"));
    assert!(svg.contains("red&quot;/&gt;&lt;script&gt;"));
    assert!(svg.contains("a&apos;b"));
    assert!(!svg.contains("<script>"));
    assert_balanced(&svg);
}

#[test]
fn forbidden_control_characters_are_replaced() {
    assert_eq!(escape_xml("a\u{0}b\tc"), "a\u{fffd}b\tc");
}

#[test]
fn long_names_shrink_to_stay_within_the_arc() {
    let long = "山东省济南市历城区行政审批服务局政务服务中心";
    let svg = render_round_seal_svg(&RoundSealSpec::standard(long, LABEL)).unwrap();
    assert_balanced(&svg);
    let angles: Vec<f64> = svg
        .split("rotate(")
        .skip(1)
        .map(|s| s.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(angles.len(), long.chars().count());
    assert!(angles[0] >= -120.01 && angles[angles.len() - 1] <= 120.01);
}

#[test]
fn other_diameters_scale_the_drawing() {
    let spec = RoundSealSpec {
        diameter_mm: 40.0,
        ..RoundSealSpec::standard(NAME, "")
    };
    let svg = render_round_seal_svg(&spec).unwrap();
    assert!(svg.contains("width=\"40mm\""));
    assert!(svg.contains("cx=\"20.00\""));
    assert_eq!(svg.matches("<text").count(), NAME.chars().count());
}

#[test]
fn invalid_specs_are_rejected() {
    let bad = |spec: RoundSealSpec<'_>| render_round_seal_svg(&spec).unwrap_err();
    let base = RoundSealSpec::standard(NAME, LABEL);
    assert!(matches!(
        bad(RoundSealSpec {
            diameter_mm: f64::NAN,
            ..base.clone()
        }),
        PictureError::DiameterOutOfRange(_)
    ));
    assert!(matches!(
        bad(RoundSealSpec {
            diameter_mm: 5.0,
            ..base.clone()
        }),
        PictureError::DiameterOutOfRange(_)
    ));
    assert!(matches!(
        bad(RoundSealSpec {
            rim_width_mm: 0.0,
            ..base.clone()
        }),
        PictureError::RimOutOfRange(_)
    ));
    assert_eq!(
        bad(RoundSealSpec {
            arc_text: "",
            ..base.clone()
        }),
        PictureError::EmptyArcText
    );
    assert_eq!(
        bad(RoundSealSpec {
            arc_text: &"字".repeat(41),
            ..base
        }),
        PictureError::ArcTextTooLong(41)
    );
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(standard_svg(), standard_svg());
}
