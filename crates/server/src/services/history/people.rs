//! The history's fictional applicants: organisations with valid credit codes and people with
//! valid (made-up) ID numbers, drawn from a case's random stream so a seed gives the same ones.

use oneseal_domain::case::{Applicant, IdNumber, PhoneNumber};
use oneseal_domain::catalog::UnifiedSocialCreditCode;
use rand::RngExt;
use rand::rngs::StdRng;
use time::{Date, Duration};

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> Option<&'a str> {
    items.get(rng.random_range(0..items.len().max(1))).copied()
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "建国", "秀英", "志强", "丽娟", "海峰", "晓燕", "伟", "静", "磊", "敏",
];
const TRADES: &[&str] = &[
    "食品", "医药", "建设", "运输", "餐饮", "商贸", "环保", "文化", "教育", "科技",
];
const PLACES: &[&str] = &[
    "历下", "市中", "槐荫", "天桥", "历城", "章丘", "平阴", "商河", "长清", "济阳",
];

/// A fictional applicant: an organisation most of the time, with a valid credit code, or a
/// person with a valid (fictional) ID number.
pub(super) fn applicant(rng: &mut StdRng, index: u32) -> Option<Applicant> {
    let phone =
        PhoneNumber::parse(&format!("139{:08}", rng.random_range(0..100_000_000u32))).ok()?;
    if rng.random_range(0..100) < 72 {
        let trade = pick(rng, TRADES).unwrap_or("商贸");
        let place = pick(rng, PLACES).unwrap_or("历下");
        let body = format!("91370100MA{:07}", (index % 10_000_000));
        let uscc = UnifiedSocialCreditCode::with_check_character(&body).ok()?;
        return Some(Applicant::Organisation {
            name: format!("济南{place}{trade}有限公司（演示{index}）"),
            uscc,
            contact_phone: phone,
        });
    }
    let surname = pick(rng, SURNAMES).unwrap_or("王");
    let given = pick(rng, GIVEN).unwrap_or("伟");
    let born = rng.random_range(0..15_000u32);
    let birth = Date::from_calendar_date(1960, time::Month::January, 1)
        .ok()?
        .checked_add(Duration::days(i64::from(born)))?;
    let body = format!(
        "370102{:04}{:02}{:02}{:03}",
        birth.year(),
        u8::from(birth.month()),
        birth.day(),
        rng.random_range(0..1000u32)
    );
    let check = IdNumber::compute_check_character(&body).ok()?;
    Some(Applicant::NaturalPerson {
        name: format!("{surname}{given}"),
        id_number: IdNumber::parse(&format!("{body}{check}")).ok()?,
        phone,
    })
}
