//! English for 委托代理 and 帮办代办 (issue #19 item 3): the intake form's section, the case
//! page's line and the applicant's view.

pub(super) const REPRESENTATION: &[(&str, &str)] = &[
    ("由谁提交", "Filed by"),
    ("本人办理", "The applicant in person"),
    (
        "委托代理（凭授权委托书）",
        "An agent, with an authorisation (委托代理)",
    ),
    (
        "帮办代办（窗口工作人员代为填报）",
        "Hall staff on the applicant's behalf (帮办代办)",
    ),
    (
        "委托代理：填写代理人姓名、身份证号，并上传申请人签署的授权委托书。",
        "Agent: enter the agent's name and ID number and upload the authorisation the applicant signed.",
    ),
    ("委托代理人姓名", "Agent's name"),
    ("委托代理人身份证号码", "Agent's ID number"),
    ("授权委托书（扫描件）", "Authorisation (scan, 授权委托书)"),
    (
        "帮办代办：须经申请人同意，登记同意方式；记录登记时间和经办人。",
        "On behalf: only with the applicant's consent; how it was given is recorded with the time and the clerk.",
    ),
    ("申请人同意方式", "How the applicant consented"),
    ("申请人签字确认", "Signed the consent form"),
    ("申请人在窗口当面口头同意", "Said so at the window"),
    ("代理与代办", "Agent or staff filing (委托代理 · 帮办代办)"),
    ("授权委托书", "Authorisation (授权委托书)"),
    ("已存入材料库", "kept in the material store"),
    ("未上传扫描件", "no scan uploaded yet"),
    ("同意时间", "Consent recorded"),
];
