//! English for the applicant's pages (`my.html`, issue #19 items 3–4).

pub(super) const APPLICANT: &[(&str, &str)] = &[
    ("我的申请", "My applications"),
    ("申请人登录", "Applicant sign-in"),
    (
        "用手机号码和短信验证码登录，无需注册。",
        "Sign in with your mobile number and a text-message code; no registration.",
    ),
    (
        "统一身份认证登录",
        "Sign in with the unified identity service",
    ),
    ("或者", "or"),
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
    (
        "一件事一次办：一次申请，共享材料只交一次；窗口接收后每个事项分别办理，每一步都会通知您。",
        "One thing, one go: one application, shared materials given once; once the window receives it each item is handled on its own, and you are told of every step.",
    ),
    (
        "也可以在网上一次申请：用手机号码登录，上传一次材料。",
        "Or apply online in one go: sign in with your mobile number and upload the materials once.",
    ),
    // The inbox and the rating from the account.
    ("消息", "Messages"),
    ("未读", "Unread"),
    ("未读消息", "Unread messages"),
    (
        "还没有消息。办件每到一个环节（收件、受理、补正、决定、送达等），这里都会收到通知，并发送短信。",
        "No messages yet. Each step of your case (received, accepted, supplement, decision, delivery…) is announced here and by text message.",
    ),
    ("全部标为已读", "Mark all read"),
    ("标为已读", "Mark read"),
    (
        "已评价，感谢您的意见。",
        "Rated. Thank you for your opinion.",
    ),
    ("对本次服务作出评价", "Rate this service"),
    (
        "意见（选填，500 字以内）",
        "Comment (optional, up to 500 characters)",
    ),
    ("提交评价", "Send the rating"),
    ("非常满意", "Very satisfied"),
    ("满意", "Satisfied"),
    ("基本满意", "Fairly satisfied"),
    ("不满意", "Unsatisfied"),
    ("非常不满意", "Very unsatisfied"),
];
