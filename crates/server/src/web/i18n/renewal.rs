//! The phrases of the licence page (renewal, change, cancellation as cases; revocation and
//! cancellation grounds; issue #21 items 1 and 12), apart so parallel work edits other lines.

pub(super) const RENEWAL: &[(&str, &str)] = &[
    ("证照办理", "Licence"),
    ("持证人", "Holder"),
    ("在办申请", "Open application"),
    ("延续", "Renewal"),
    ("不予延续", "Renewal refused"),
    (
        "证照于有效期届满时终止",
        "the licence ends when its term expires",
    ),
    (
        "有效期届满前未作决定，依行政许可法第五十条视为准予延续",
        "not decided before expiry: deemed granted (Licensing Law Art. 50)",
    ),
    ("证照记录", "Licence history"),
    ("日期", "Date"),
    ("事件", "Event"),
    (
        "受理延续、变更、注销申请（作为办件）",
        "Receive a renewal, change or cancellation (as a case)",
    ),
    ("申请", "Application"),
    ("变更", "Change"),
    ("注销", "Cancel"),
    ("变更内容（申请变更时填写）", "What changes (for a change)"),
    ("单位", "Organisation"),
    ("个人", "Natural person"),
    (
        "只有被许可人可以申请；延续应在有效期届满前按事项规定的期限提出",
        "Only the holder may apply; a renewal by the item's lead time before expiry",
    ),
    ("收件", "Receive"),
    ("撤销（第六十九条）", "Revoke (Art. 69)"),
    ("撤销理由", "Ground"),
    (
        "被许可人的合法权益是否受到损害",
        "Are the holder's lawful rights harmed?",
    ),
    ("否", "No"),
    (
        "是（依第一款撤销的，应当依法给予赔偿）",
        "Yes (compensation is owed under para 1)",
    ),
    ("撤销", "Revoke"),
    ("注销（第七十条）", "Cancel (Art. 70)"),
    ("注销情形", "Ground"),
    ("办理证照", "Manage licence"),
    ("关于证照", "About licence"),
    ("居民身份证号码", "ID card number"),
    ("延续、变更、注销、撤销", "Renew, change, cancel, revoke"),
    (
        "不予许可的原因是隐瞒有关情况或者提供虚假材料（第七十八条）",
        "Refused for concealed facts or false materials (Art. 78)",
    ),
];
