//! Names where staff look (issue #18, items 5 and 7): staff, departments and items by name with
//! their codes beside; a push with its licensee, licence and validity, the case summary its
//! department may open (and no other department), feedback started from the push; the bureau
//! head reading a bad rating's comment; the rating form choosing nothing for the applicant;
//! and the linkage lists paged by keyset (neither skipping nor repeating a row).

use std::collections::BTreeSet;

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{
    applicant, approved_and_cosigned_licence, case_ready_for_decision_in, expert_review_item, step,
};

async fn fg(app: &TestApp) -> Actor {
    app.department_token("FG", &["claim_push", "view_pushes", "submit_feedback"])
        .await
}

/// An approved licence whose push went to SCJG (the item mapped to it first, so that the demo's
/// SCJG user, who signs in to pages, receives it): (licence, push id, that user).
async fn pushed_to_scjg(app: &TestApp) -> (String, String, Actor) {
    let item = expert_review_item(app).await;
    let r = app
        .admin()
        .await
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/linkage/mappings/{item}"),
        )
        .json(&json!({"department": "SCJG"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let licence = approved_and_cosigned_licence(app).await;
    let scjg = app.sign_in("SCJG").await;
    let (_, body) = scjg.get_json("/api/v1/linkage/pushes").await;
    let p = &body["pushes"][0];
    assert_eq!(p["licence_id"], licence.as_str(), "{body}");
    (licence, p["push_id"].as_str().unwrap().to_owned(), scjg)
}

async fn text(actor: &Actor, path: &str) -> (u16, String) {
    let r = actor.get(path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The demo's name of a member of staff, as the staff list gives it.
async fn staff_name(app: &TestApp, id: &str) -> String {
    let (_, list) = app.admin().await.get_json("/api/v1/staff").await;
    let rows = list
        .as_array()
        .or_else(|| list["staff"].as_array())
        .expect("a staff list")
        .clone();
    rows.iter()
        .find(|s| s["id"] == id)
        .and_then(|s| s["name"].as_str())
        .unwrap_or_else(|| panic!("{id} in {list}"))
        .to_owned()
}

#[tokio::test]
async fn the_case_page_names_its_staff_and_offers_named_colleagues_for_a_transfer() {
    let app = TestApp::spawn_demo().await;
    let item = expert_review_item(&app).await;
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post("/api/v1/cases", &json!({"item_code": item, "channel": "window", "applicant": applicant(), "materials": [{"name": "申请书", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}))
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    let query = created["query_code"].as_str().unwrap().to_owned();
    step(&clerk, &number, json!({"action": "accept"})).await;
    let reviewer = app.reviewer().await;
    step(
        &reviewer,
        &number,
        json!({"action": "review", "step": "review", "opinion": "材料齐全", "substantive": true}),
    )
    .await;

    let (clerk_name, review_name, review2_name) = (
        staff_name(&app, "CLERK").await,
        staff_name(&app, "REVIEW").await,
        staff_name(&app, "REVIEW2").await,
    );
    let (status, page) = text(&reviewer, &format!("/cases/{number}")).await;
    assert_eq!(status, 200);
    // Steps and opinions name who acted, with the id beside.
    assert!(page.contains(&format!("{clerk_name}（CLERK）")), "{page}");
    assert!(page.contains(&format!("{review_name}（REVIEW）")), "{page}");
    // The transfer form is a choice of named colleagues, never the one holding the case.
    assert!(page.contains("data-action=\"transfer\""), "{page}");
    assert!(!page.contains("pattern=\"[A-Za-z0-9-]{2,32}\""), "{page}");
    assert!(
        page.contains(&format!("<option value=\"REVIEW2\">{review2_name}（")),
        "{page}"
    );
    assert!(!page.contains("<option value=\"REVIEW\">"), "{page}");
    // A transfer chosen from the list goes through.
    step(
        &reviewer,
        &number,
        json!({"action": "transfer", "to": "REVIEW2", "reason": "回避"}),
    )
    .await;

    // The public progress page names no one.
    let (status, public) = text(
        &app.anonymous(),
        &format!("/progress?case={number}&code={query}"),
    )
    .await;
    assert_eq!(status, 200);
    for name in [&clerk_name, &review_name, &review2_name] {
        assert!(!public.contains(name.as_str()), "{name} on the public page");
    }
}

#[tokio::test]
async fn a_push_names_licensee_licence_validity_and_department() {
    let app = TestApp::spawn_demo_witnessed().await;
    let licence = approved_and_cosigned_licence(&app).await;
    let (_, body) = fg(&app).await.get_json("/api/v1/linkage/pushes").await;
    let p = &body["pushes"][0];
    assert_eq!(p["licence_id"], licence.as_str(), "{body}");
    assert_eq!(p["licensee"], applicant()["name"], "{body}");
    let (_, l) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    // The register writes the date as people read it (YYYY-MM-DD), as the push does.
    let until = p["valid_until"]
        .as_str()
        .unwrap_or_else(|| panic!("no validity: {body}"));
    time::Date::parse(until, &time::format_description::well_known::Iso8601::DATE)
        .unwrap_or_else(|e| panic!("{e}: {until}"));
    assert_eq!(p["valid_until"], l["licence"]["valid_until"], "{body} {l}");
    assert_eq!(p["licence_status"], "valid", "{body}");
    let (_, depts) = app.clerk().await.get_json("/api/v1/departments").await;
    let fg_name = depts
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "FG")
        .and_then(|d| d["name_zh"].as_str())
        .unwrap()
        .to_owned();
    assert_eq!(p["department_name"], fg_name.as_str(), "{body}");
    // The bureau's tracking page shows the department by name, with its code.
    let (_, page) = text(&app.head().await, "/linkage").await;
    assert!(page.contains(&format!("{fg_name}（FG）")), "{page}");
}

#[tokio::test]
async fn only_the_department_a_case_was_pushed_to_opens_its_summary() {
    let app = TestApp::spawn_demo_witnessed().await;
    let licence = approved_and_cosigned_licence(&app).await;
    let fg = fg(&app).await;
    let (_, body) = fg.get_json("/api/v1/linkage/pushes").await;
    let id = body["pushes"][0]["push_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/linkage/pushes/{id}/case");
    let (status, s) = fg.get_json(&path).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["push"]["push_id"], id.as_str());
    assert_eq!(s["push"]["licence_id"], licence.as_str());
    assert_eq!(s["applicant"]["name"], applicant()["name"]);
    // The department does not phone the applicant: the number is masked.
    let phone = applicant()["contact_phone"].as_str().unwrap().to_owned();
    assert_eq!(s["applicant"]["masked"], true, "{s}");
    assert!(!s.to_string().contains(&phone), "{s}");
    assert!(s["steps"].as_array().unwrap().len() >= 4, "{s}");

    // Another department, by token or by sign-in, is refused; so is the public.
    let scjg = app
        .department_token("SCJG", &["claim_push", "view_pushes", "submit_feedback"])
        .await;
    assert_eq!(scjg.get(&path).await.status(), 403);
    assert_eq!(app.sign_in("SCJG").await.get(&path).await.status(), 403);
    assert_eq!(
        app.sign_in("SCJG")
            .await
            .get(&format!("/dept/pushes/{id}"))
            .await
            .status(),
        403
    );
    assert_eq!(app.anonymous().get(&path).await.status(), 401);
    let (status, body) = fg
        .get_json("/api/v1/linkage/pushes/TS3701000009999/case")
        .await;
    assert_eq!((status, error_code(&body)), (404, "not_found"), "{body}");
    // The bureau head follows pushes and may open it too.
    assert_eq!(app.head().await.get(&path).await.status(), 200);
}

#[tokio::test]
async fn feedback_starts_from_the_push_with_its_licence_filled_in() {
    let app = TestApp::spawn_demo_witnessed().await;
    let (licence, id, scjg) = pushed_to_scjg(&app).await;
    let (status, page) = text(&scjg, &format!("/dept/pushes/{id}")).await;
    assert_eq!(status, 200, "{page}");
    let hidden = format!("name=\"body.licence_id\" value=\"{licence}\"");
    assert!(page.contains(&hidden), "{page}");
    assert!(
        page.contains(applicant()["name"].as_str().unwrap()),
        "{page}"
    );
    // No licence to type anywhere: the department's inbox has no licence field left, and
    // links each push to its page.
    let (status, inbox) = text(&scjg, "/dept").await;
    assert_eq!(status, 200);
    assert!(
        !inbox.contains("<input name=\"body.licence_id\""),
        "{inbox}"
    );
    assert!(inbox.contains(&format!("/dept/pushes/{id}")), "{inbox}");
    assert!(
        inbox.contains(applicant()["name"].as_str().unwrap()),
        "{inbox}"
    );
    // What the push page's form sends is accepted.
    let r = scjg
        .post(
            "/api/v1/linkage/feedback",
            &json!({"external_ref": "SCJG-JC-0001", "body": {"type": "supervision_record",
                "licence_id": licence, "inspected_on": "2026-11-24", "result": "compliant", "summary": "现场检查合格"}}),
        )
        .await;
    let out: Value = r.json().await.unwrap();
    assert!(out["feedback_id"].as_str().is_some(), "{out}");
    let (_, inbox) = text(&scjg, "/dept").await;
    assert!(inbox.contains("现场检查合格"), "{inbox}");
}

#[tokio::test]
async fn feedback_pages_neither_skip_nor_repeat_and_bad_paging_is_refused() {
    let app = TestApp::spawn_demo().await;
    let fg = app.sign_in("SCJG").await;
    for n in 0..5 {
        let r = fg
            .post(
                "/api/v1/linkage/feedback",
                &json!({"external_ref": format!("SCJG-CG-{n}"), "body": {"type": "violation_notice",
                    "subject": format!("济南某{n}有限公司"), "summary": "抄告"}}),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    let (_, all) = fg.get_json("/api/v1/linkage/feedback?limit=200").await;
    let all: Vec<String> = all["feedback"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["feedback_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all.len(), 5);
    let mut sorted = all.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(all, sorted, "newest first");

    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut path = "/api/v1/linkage/feedback?limit=2".to_owned();
    loop {
        let (status, page) = fg.get_json(&path).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["feedback"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["feedback_id"].as_str().unwrap().to_owned()),
        );
        pages.push(page.clone());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/linkage/feedback?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, all, "every row once, in order");
    assert_eq!(pages.len(), 3);
    // Back from the last page: the middle page again.
    let prev = pages[2]["prev_cursor"].as_str().unwrap();
    let (_, back) = fg
        .get_json(&format!("/api/v1/linkage/feedback?limit=2&cursor={prev}"))
        .await;
    assert_eq!(back["feedback"], pages[1]["feedback"]);

    for (q, code) in [
        ("cursor=nonsense", "bad_cursor"),
        ("limit=0", "bad_limit"),
        ("limit=201", "bad_limit"),
    ] {
        let (status, body) = fg.get_json(&format!("/api/v1/linkage/feedback?{q}")).await;
        assert_eq!((status, error_code(&body)), (400, code), "{q}");
    }
    // A push cursor is not a feedback cursor.
    let push_cursor =
        oneseal_server::services::paging::PageCursor::after("TS3701000000001").encode();
    let (status, _) = fg
        .get_json(&format!("/api/v1/linkage/feedback?cursor={push_cursor}"))
        .await;
    assert_eq!(status, 400);
    // The pages page too, and refuse the same way.
    let (status, page) = text(&fg, "/dept?limit=2").await;
    assert_eq!(status, 200);
    assert!(page.contains("feedback_cursor="), "{page}");
    let head = app.head().await;
    assert_eq!(head.get("/linkage?cursor=nonsense").await.status(), 400);
    assert_eq!(head.get("/linkage?limit=500").await.status(), 400);
    let (_, tracking) = text(&head, "/linkage?limit=2").await;
    let shown: BTreeSet<&str> = all
        .iter()
        .map(String::as_str)
        .filter(|id| tracking.contains(id))
        .collect();
    assert_eq!(shown.len(), 2, "two pieces of feedback on a page of two");
}

#[tokio::test]
async fn the_head_reads_a_bad_ratings_comment_when_rectifying() {
    let app = TestApp::spawn_demo().await;
    let item = expert_review_item(&app).await;
    let (number, code) = case_ready_for_decision_in(&app, "", &item, applicant()).await;
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    step(
        &app.clerk().await,
        &number,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;
    let anon = app.anonymous();
    // The public form chooses nothing: no preselected level, and none sent is refused clearly.
    let (_, form) = text(&anon, &format!("/progress?case={number}&code={code}")).await;
    assert!(form.contains("<select name=\"level\" required>"), "{form}");
    assert!(!form.contains("selected>非常满意"), "{form}");
    for level in [json!(null), json!(""), json!("excellent")] {
        let mut body = json!({"case": number, "code": code, "channel": "online", "comment": ""});
        if !level.is_null() {
            body["level"] = level;
        }
        let r = anon.post("/api/v1/public/ratings", &body).await;
        assert_eq!(r.status(), 400);
        let v: Value = r.json().await.unwrap();
        assert_eq!(error_code(&v), "rating_level_required", "{v}");
    }
    let comment = "等候时间过长，窗口解释不清";
    let r = anon
        .post(
            "/api/v1/public/ratings",
            &json!({"case": number, "code": code, "level": "unsatisfied", "channel": "online", "comment": comment}),
        )
        .await;
    assert_eq!(r.status(), 200);

    let (status, page) = text(&app.head().await, "/ratings").await;
    assert_eq!(status, 200);
    assert!(page.contains(comment), "the head sees it: {page}");
    // Whoever cannot rectify does not see it; neither does the public or the ledger.
    let (_, page) = text(&app.inspector().await, "/ratings").await;
    assert!(page.contains(&number) && !page.contains(comment), "{page}");
    let (_, public) = text(&anon, &format!("/progress?case={number}&code={code}")).await;
    assert!(!public.contains(comment), "{public}");
    let (_, list) = app.head().await.get_json("/api/v1/ratings").await;
    assert!(!list.to_string().contains(comment), "{list}");
    // Once closed, the form and the comment are gone and the closer is named.
    let r = app
        .head()
        .await
        .post(
            &format!("/api/v1/ratings/{number}/rectify"),
            &json!({"explanation": "已调整窗口人员并回访申请人"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let head_name = staff_name(&app, "HEAD").await;
    let (_, page) = text(&app.head().await, "/ratings").await;
    assert!(!page.contains(comment), "{page}");
    assert!(
        page.contains(&format!("已整改（{head_name}（HEAD））")),
        "{page}"
    );
}

#[tokio::test]
async fn reports_and_alerts_group_and_show_by_name_with_codes() {
    let app = TestApp::spawn_demo_witnessed().await;
    approved_and_cosigned_licence(&app).await;
    let head = app.head().await;
    let (status, body) = head
        .get_json("/api/v1/reports/accountability?by=item")
        .await;
    assert_eq!(status, 200, "{body}");
    let rows = body["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "{body}");
    let (_, items) = head.get_json("/api/v1/catalog/items?per_page=500").await;
    for r in rows {
        let key = r["key"].as_str().unwrap();
        let name = items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["basic_code"] == key)
            .and_then(|i| i["name"].as_str())
            .unwrap_or_else(|| panic!("item {key}"));
        assert_eq!(r["key_name"], format!("{name}（{key}）"), "{r}");
    }
    let r = head
        .get("/api/v1/reports/accountability?by=item&format=csv")
        .await;
    let csv = r.text().await.unwrap();
    let first = rows[0]["key_name"].as_str().unwrap();
    assert!(csv.contains(first), "{csv}");
    let (_, page) = text(&head, "/reports?by=item").await;
    assert!(page.contains(first), "{page}");
}

/// The `rel="next"` target of a response's Link header.
fn next_link(r: &reqwest::Response) -> Option<String> {
    let link = r.headers().get("link")?.to_str().ok()?.to_owned();
    link.split(", ")
        .find(|l| l.ends_with("rel=\"next\""))
        .and_then(|l| l.split_once('<'))
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(href, _)| href.to_owned())
}

#[tokio::test]
async fn staff_and_token_lists_page_through_their_link_headers() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    for d in ["SCJG", "ZJ", "FG"] {
        app.department_token(d, &["view_pushes"]).await;
    }
    for (path, key) in [("/api/v1/staff", "id"), ("/api/v1/tokens", "id")] {
        let (status, all) = admin.get_json(&format!("{path}?limit=200")).await;
        assert_eq!(status, 200, "{all}");
        let all: Vec<String> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s[key].as_str().unwrap().to_owned())
            .collect();
        assert!(all.len() >= 3, "{path}: {all:?}");
        let mut seen = Vec::new();
        let mut next = Some(format!("{path}?limit=2"));
        let mut pages = 0;
        while let Some(url) = next {
            let r = admin.get(&url).await;
            assert_eq!(r.status(), 200, "{url}");
            next = next_link(&r);
            let page: Value = r.json().await.unwrap();
            let rows = page.as_array().unwrap();
            assert!(rows.len() <= 2);
            seen.extend(rows.iter().map(|s| s[key].as_str().unwrap().to_owned()));
            pages += 1;
            assert!(pages < 50);
        }
        assert_eq!(seen, all, "{path}: every row once, in order");
        for (q, code) in [("cursor=nonsense", "bad_cursor"), ("limit=0", "bad_limit")] {
            let (status, body) = admin.get_json(&format!("{path}?{q}")).await;
            assert_eq!((status, error_code(&body)), (400, code), "{path}?{q}");
        }
    }
    // Staff rows carry their department's and roles' names.
    let (_, staff) = admin.get_json("/api/v1/staff?limit=200").await;
    let clerk = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "CLERK")
        .unwrap();
    assert_eq!(clerk["roles_zh"][0], "窗口人员", "{clerk}");
    assert!(
        clerk["department_name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()),
        "{clerk}"
    );
}
