//! The case page's lines on who filed (issue #19 item 3): an agent with their authorisation, or
//! hall staff on the applicant's behalf with how the applicant consented. The agent's ID number
//! is masked for everyone but the window clerk, as the applicant's is (`services::masking`).

use oneseal_domain::case::{CHINA_STANDARD_TIME, Representation};
use oneseal_domain::org::Role;

use crate::services::masking::sees_full_contact;
use crate::services::names::Names;

fn minute(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(CHINA_STANDARD_TIME);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// (label, value) lines for the case page; none when the applicant filed in person.
/// `stored` says whether a file of that SHA-256 is kept among the case's materials.
pub fn lines(
    rep: Option<&Representation>,
    roles: &[Role],
    names: &Names,
    stored: impl Fn(&str) -> bool,
) -> Vec<(&'static str, String)> {
    match rep {
        None => Vec::new(),
        Some(Representation::Agent {
            name,
            id_number,
            authorisation,
        }) => {
            let id = if sees_full_contact(roles) {
                id_number.as_str().to_owned()
            } else {
                id_number.masked()
            };
            let kept = if stored(authorisation.as_str()) {
                "已存入材料库"
            } else {
                "未上传扫描件"
            };
            vec![
                ("代理与代办", "委托代理（凭授权委托书）".to_owned()),
                ("委托代理人姓名", name.clone()),
                ("委托代理人身份证号码", id),
                (
                    "授权委托书",
                    format!(
                        "SHA-256 {}…（{kept}）",
                        authorisation.as_str().get(..16).unwrap_or_default()
                    ),
                ),
            ]
        }
        Some(Representation::OnBehalf {
            consent,
            consented_at,
            filed_by,
        }) => vec![
            (
                "代理与代办",
                format!("帮办代办：{} 代为填报", names.staff(filed_by.as_str())),
            ),
            ("申请人同意方式", consent.name_zh().to_owned()),
            ("同意时间", minute(*consented_at)),
        ],
    }
}
