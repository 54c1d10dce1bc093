//! The phrases of joint review (issue #20 item 1), kept apart from the main table so that
//! parallel work on other pages does not edit the same lines.

pub(super) const CONSULTATION: &[(&str, &str)] = &[
    ("征求部门意见", "Departments' opinions (joint review)"),
    (
        "会签、联合审查、现场核查",
        "countersigning, joint review, site checks",
    ),
    ("征求事项", "Question"),
    ("发起", "Asked"),
    ("答复期限", "Answer due"),
    ("待答复", "awaiting the opinion"),
    ("已答复", "answered"),
    ("逾期答复", "answered late"),
    ("逾期未答复", "overdue"),
    ("同意", "agree"),
    ("有条件同意", "agree with conditions"),
    ("不同意", "disagree"),
    ("附件", "Attachment"),
    ("答复期限（工作日）", "Answer due in (working days)"),
    ("发出征求意见", "Ask"),
];
