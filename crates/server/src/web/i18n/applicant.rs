//! English for the applicant's pages (`my.html`, issue #19 items 3–4).

pub(super) const APPLICANT: &[(&str, &str)] = &[
    ("我的申请", "My applications"),
    ("申请人登录", "Applicant sign-in"),
    (
        "用手机号码和短信验证码登录，无需注册。",
        "Sign in with your mobile number and a text-message code; no registration.",
    ),
    ("手机号码", "Mobile number"),
    ("获取验证码", "Send me a code"),
    ("验证码", "Code"),
    ("已登录", "Signed in"),
    ("网上申请", "Apply online"),
    (
        "网上申请、补正、查看文书",
        "Apply, supplement, get your documents",
    ),
    ("申请人名称", "Name"),
    (
        "身份证号码或统一社会信用代码",
        "ID number or unified social credit code",
    ),
    (
        "可上传 PDF、OFD、JPEG、PNG 文件。",
        "PDF, OFD, JPEG and PNG files are accepted.",
    ),
    ("提交申请", "Submit"),
    ("保存草稿", "Save draft"),
    (
        "还没有申请。请在办事指南中选择事项，点“网上申请”。",
        "No applications yet. Choose an item in the service guides and press “Apply online”.",
    ),
    ("承诺办结期限", "Promised by"),
    ("法定办结期限", "Statutory deadline"),
    (
        "一次性告知：请补正以下材料",
        "One-time notice: please supply the following",
    ),
    (
        "补正材料已提交，等待窗口接收。",
        "Your supplement was sent; the window will receive it.",
    ),
    ("提交补正材料", "Send the supplement"),
];
