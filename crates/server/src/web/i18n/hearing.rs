//! The phrases of the interested parties and the hearing (issue #21 item 5), kept apart from
//! the main table so that parallel work on other pages does not edit the same lines.

pub(super) const HEARING: &[(&str, &str)] = &[
    ("利害关系人与听证", "Interested parties and hearing"),
    (
        "听证所需时间不计入办理期限",
        "the hearing's time is not counted (Art. 45)",
    ),
    ("内容", "Details"),
    (
        "陈述、申辩内容仅审查、审批人员可见",
        "Statements are shown to reviewers and approving officials only",
    ),
    (
        "认定涉及他人重大利益",
        "Find others' major interests concerned",
    ),
    ("告知利害关系人", "Notify interested parties"),
    ("记录陈述申辩", "Record a statement"),
    ("告知听证权利", "Notify the right to a hearing"),
    ("登记听证申请", "Register a hearing request"),
    ("公告举行听证", "Announce a hearing"),
    ("发出听证通知", "Notify the hearing"),
    ("听证笔录签署完毕", "Hearing record signed"),
    (
        "审查发现申请直接关系他人重大利益（第三十六条、第四十七条）",
        "The review found that the application directly concerns others' major interests (Art. 36, 47)",
    ),
    (
        "利害关系人（每行一个）",
        "Interested parties (one per line)",
    ),
    ("陈述人", "Who stated"),
    ("陈述、申辩", "Statement and defence"),
    ("利害关系人", "Interested party"),
    (
        "不计入期限的书面告知文号",
        "Reference of the notice that the time is not counted",
    ),
    (
        "法律、法规、规章规定应当听证",
        "A law, regulation or rule requires a hearing",
    ),
    (
        "涉及公共利益的重大行政许可事项",
        "A major licence concerning the public interest",
    ),
    ("公告文号", "Announcement reference"),
    ("主持人", "Presiding officer"),
    ("听证日期", "Hearing day"),
    ("地点", "Place"),
    ("公开举行", "Held in public"),
    ("不公开的事由", "Ground for a closed hearing"),
    ("涉及国家秘密", "State secrets"),
    ("涉及商业秘密", "Trade secrets"),
    ("涉及个人隐私", "Personal privacy"),
    ("听证通知书文号", "Hearing notice reference"),
    ("听证笔录编号", "Record reference"),
    (
        "笔录已交参加人确认无误并签字或盖章",
        "The participants checked and signed or sealed the record",
    ),
    ("听证通知书", "Hearing notice"),
    ("听证延期", "Postpone the hearing"),
    (
        "延期须重新通知，新的听证日至少在七日后；依申请的听证仍应在申请后二十日内举行（第四十七条、第四十八条）",
        "A postponement is noticed again, the new day at least 7 days ahead; a requested hearing is still held within 20 days of the request (Art. 47, 48)",
    ),
    ("新的听证日期", "New hearing day"),
    ("延期事由", "Reason for the postponement"),
];
