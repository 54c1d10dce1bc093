//! The phrases of the legal settings and the public register (issue #21), kept apart from the
//! main table so that parallel work on other pages does not edit the same lines.

pub(super) const LAW: &[(&str, &str)] = &[
    ("法定期限设置", "Legal time settings"),
    (
        "按行政许可法的一般规定",
        "the Licensing Law's general rules",
    ),
    ("特别法另有规定", "set by the item's own law"),
    ("设置", "Setting"),
    ("可延长", "May be extended by"),
    ("个工作日", "working days"),
    ("许可公示", "Licence register (许可公示)"),
    (
        "准予行政许可的决定依法公开（行政许可法第四十条）。只列出单位持证人，不公开自然人信息。",
        "Decisions granting a licence are public (Licensing Law Art. 40). Only organisations are listed; no natural person's data is published.",
    ),
    (
        "搜索事项、持证单位或证照编号",
        "Search item, holder or licence number",
    ),
    ("持证单位", "Holder"),
    ("决定日期", "Granted on"),
    ("有效期至", "Valid until"),
    ("没有符合条件的许可", "No matching licence"),
];
