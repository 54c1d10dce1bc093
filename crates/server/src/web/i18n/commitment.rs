//! The phrases of 告知承诺制 (issue #19 item 5), kept apart from the main table so that parallel
//! work on other pages does not edit the same lines.

pub(super) const COMMITMENT: &[(&str, &str)] = &[
    (
        "告知承诺（仅限实行告知承诺制的事项）",
        "Notification and commitment (告知承诺, only for items under the regime)",
    ),
    (
        "申请人已阅读告知承诺书并书面承诺符合许可条件",
        "The applicant has read the commitment and commits in writing that the conditions are met",
    ),
    (
        "承诺书写明许可条件、准予许可后主管部门的核查期限和承诺不实的后果（撤销许可、记入信用记录）；签署后可当场作出决定。",
        "The commitment states the conditions, the supervising department's check after the grant and what a false commitment costs (revocation, a credit record); once signed the case can be decided on the spot.",
    ),
    (
        "告知承诺（可选）",
        "Notification and commitment (告知承诺, optional)",
    ),
    (
        "本人承诺：已阅读上述告知承诺书，符合许可条件，所提交的材料和陈述真实、准确、完整；承诺不实的，愿意承担许可被撤销等法律责任。",
        "I commit: I have read the commitment above, I meet the conditions, and what I submit and state is true, accurate and complete; if it is not, I accept the legal consequences, including the revocation of the licence.",
    ),
    (
        "不勾选则按一般程序审查办理。",
        "Leave it unticked for the ordinary procedure.",
    ),
    (
        "每个事项分别签署，记录在该事项的办件上；不勾选的事项按一般程序审查办理。",
        "Each item is signed on its own and recorded on that item's case; an item left unticked follows the ordinary procedure.",
    ),
    (
        "本人承诺：已阅读该事项的告知承诺书，符合许可条件，所提交的材料和陈述真实、准确、完整；承诺不实的，愿意承担许可被撤销等法律责任。",
        "I commit: I have read this item's commitment, I meet the conditions, and what I submit and state is true, accurate and complete; if it is not, I accept the legal consequences, including the revocation of the licence.",
    ),
];
