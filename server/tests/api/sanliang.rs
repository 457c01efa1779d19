//! 三亮: duties, the task list's workflow (propose → approve → commit; dispatch →
//! accept; split among colleagues → accept), achievements, and who may do which step.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    a_cadre_proposes_the_leader_approves_and_the_cadre_signs,
    a_leader_dispatches_and_the_cadre_accepts_once,
    only_the_person_their_leaders_and_admins_see_it,
    duties_are_set_by_the_leader_only,
    a_bad_task_is_refused_with_field_messages,
    the_demo_cadre_shows_duties_tasks_and_filed_months,
    an_accepted_dispatched_task_is_split_among_colleagues,
);

async fn load(app: &TestApp, cookie: &str, person_id: Option<i64>) -> (StatusCode, Value) {
    let id = person_id.map(|i| i.to_string());
    let form: Vec<(&str, &str)> = id.as_deref().map(|i| vec![("person_id", i)]).unwrap_or_default();
    app.json("load_sanliang", &form, Some(cookie)).await
}

async fn act(app: &TestApp, cookie: &str, action: Value) -> (StatusCode, Value) {
    app.call_json("sanliang_act", &json!({ "action": action }), Some(cookie)).await
}

fn task(title: &str) -> Value {
    json!({ "title": title, "measure": "入户走访", "target": "12 户", "deadline": "2026-12-31" })
}

fn find<'a>(page: &'a Value, title: &str) -> &'a Value {
    page["tasks"].as_array().unwrap().iter().find(|t| t["title"] == title).expect("task listed")
}

async fn own_person_id(app: &TestApp, cookie: &str) -> i64 {
    let (status, page) = load(app, cookie, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["person_id"].as_i64().unwrap()
}

async fn audit_count(app: &TestApp, prefix: &str) -> i64 {
    let mut pooled = app.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    let pattern = format!("{prefix}%");
    server::on_conn!(&mut conn, |c| sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE $1")
        .bind(&pattern)
        .fetch_one(c)
        .await)
    .unwrap()
}

async fn a_cadre_proposes_the_leader_approves_and_the_cadre_signs(app: TestApp) {
    app.load_demo().await;
    let cadre = app.sign_in_demo("wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;

    let (status, page) = act(&app, &cadre, json!({ "action": "propose", "task": task("老旧小区加装电梯协调") })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["is_owner"], true);
    let t = find(&page, "老旧小区加装电梯协调");
    assert_eq!(t["status"], "proposed");
    assert_eq!(t["deadline"], "2026-12-31");
    let id = t["id"].as_i64().unwrap();

    // A cadre cannot approve their own task, nor sign it before approval.
    let (status, _) = act(&app, &cadre, json!({ "action": "approve", "task_id": id })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = act(&app, &cadre, json!({ "action": "commit", "task_id": id })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (status, page) = act(&app, &leader, json!({ "action": "approve", "task_id": id })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["is_leader"], true);
    assert_eq!(find(&page, "老旧小区加装电梯协调")["status"], "approved");

    let (status, page) = act(&app, &cadre, json!({ "action": "commit", "task_id": id })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(find(&page, "老旧小区加装电梯协调")["status"], "committed");
    assert_eq!(audit_count(&app, "task.").await, 3);
}

async fn a_leader_dispatches_and_the_cadre_accepts_once(app: TestApp) {
    app.load_demo().await;
    let cadre = app.sign_in_demo("liuyang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let person = own_person_id(&app, &cadre).await;

    let (status, page) =
        act(&app, &leader, json!({ "action": "dispatch", "person_id": person, "task": task("防汛物资清点") })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let t = find(&page, "防汛物资清点");
    assert_eq!(t["status"], "dispatched");
    assert_eq!(t["dispatched"], true);
    let id = t["id"].as_i64().unwrap();

    // The leader cannot accept on the cadre's behalf.
    let (status, _) = act(&app, &leader, json!({ "action": "accept", "task_id": id })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, page) = act(&app, &cadre, json!({ "action": "accept", "task_id": id })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(find(&page, "防汛物资清点")["status"], "committed");
    let (status, body) = act(&app, &cadre, json!({ "action": "accept", "task_id": id })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "conflict");
}

async fn only_the_person_their_leaders_and_admins_see_it(app: TestApp) {
    app.load_demo().await;
    let owner = app.sign_in_demo("wangfang").await;
    let person = own_person_id(&app, &owner).await;
    let colleague = app.sign_in_demo("liuyang").await;
    let other_leader = app.sign_in_demo("zhaogang").await;
    let admin = app.sign_in_demo("admin").await;

    assert_eq!(load(&app, &colleague, Some(person)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(load(&app, &other_leader, Some(person)).await.0, StatusCode::FORBIDDEN);
    let (status, _) =
        act(&app, &other_leader, json!({ "action": "dispatch", "person_id": person, "task": task("越权派单") })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, page) = load(&app, &admin, Some(person)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["is_leader"], false);
    assert_eq!(page["is_owner"], false);
    assert_eq!(load(&app, &admin, Some(999_999)).await.0, StatusCode::NOT_FOUND);
}

async fn duties_are_set_by_the_leader_only(app: TestApp) {
    app.load_demo().await;
    let cadre = app.sign_in_demo("chenjing").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let person = own_person_id(&app, &cadre).await;

    let (status, _) =
        act(&app, &cadre, json!({ "action": "set_duties", "person_id": person, "body": "自定职责" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = act(&app, &leader, json!({ "action": "set_duties", "person_id": person, "body": "  " })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"]["body"], "请填写岗位职责");
    let (status, page) =
        act(&app, &leader, json!({ "action": "set_duties", "person_id": person, "body": "负责网格巡查和信息上报" }))
            .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (_, mine) = load(&app, &cadre, None).await;
    assert_eq!(mine["duties"], "负责网格巡查和信息上报");
    assert_eq!(audit_count(&app, "duties.").await, 1);
}

async fn a_bad_task_is_refused_with_field_messages(app: TestApp) {
    app.load_demo().await;
    let cadre = app.sign_in_demo("wangfang").await;
    let before = load(&app, &cadre, None).await.1["tasks"].as_array().unwrap().len();
    let bad = json!({ "title": " ", "measure": "", "target": "", "deadline": "明年" });
    let (status, body) = act(&app, &cadre, json!({ "action": "propose", "task": bad })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "invalid");
    assert_eq!(body["fields"]["title"], "请填写任务名称");
    assert!(body["fields"]["deadline"].as_str().unwrap().contains("日期"));
    let after = load(&app, &cadre, None).await.1["tasks"].as_array().unwrap().len();
    assert_eq!(before, after, "nothing stored");
}

async fn the_demo_cadre_shows_duties_tasks_and_filed_months(app: TestApp) {
    app.load_demo().await;
    let cadre = app.sign_in_demo("wangfang").await;
    let (status, page) = load(&app, &cadre, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page["duties"].as_str().unwrap().contains("综合办"));
    assert_eq!(page["tasks"].as_array().unwrap().len(), 3);
    assert_eq!(find(&page, "兴安小区商户分流安置")["status"], "committed");
    assert!(page["achievements"].as_array().unwrap().is_empty());
}

/// 党委派单、科室接单、干部分单: 李娜 holds a task her unit head dispatched and she
/// accepted (demo data); she splits it between two colleagues, who each accept their share.
async fn an_accepted_dispatched_task_is_split_among_colleagues(app: TestApp) {
    app.load_demo().await;
    let holder = app.sign_in_demo("lina").await;
    let (status, page) = load(&app, &holder, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let parent = find(&page, "老城片区燃气安全入户排查").clone();
    assert_eq!(parent["status"], "committed");
    assert_eq!(parent["dispatched"], true);
    let parent_id = parent["id"].as_i64().unwrap();
    let colleagues = page["colleagues"].as_array().unwrap();
    assert_eq!(colleagues.len(), 3, "the unit's other members of her tier or below, not its head: {page}");
    assert!(colleagues.iter().all(|c| c["name"] != "张伟"));
    let id_of = |name: &str| colleagues.iter().find(|c| c["name"] == name).unwrap()["person_id"].as_i64().unwrap();
    let (wangfang, chenjing) = (id_of("王芳"), id_of("陈静"));

    // Refused with field messages, nothing stored: herself, a stranger, an empty part.
    let own = page["person_id"].as_i64().unwrap();
    let split = |shares: Value| json!({ "action": "split", "task_id": parent_id, "shares": shares });
    let (status, body) = act(&app, &holder, split(json!([{ "person_id": own, "target": "1" }]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["shares[0].person_id"], "不能分给自己");
    let stranger = own_person_id(&app, &app.sign_in_demo("zhoujie").await).await;
    let (status, body) = act(&app, &holder, split(json!([{ "person_id": stranger, "target": "1" }]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["shares[0].person_id"], "只能分给本单位的同事");
    let head = own_person_id(&app, &app.sign_in_demo("zhangwei").await).await;
    let (status, body) = act(&app, &holder, split(json!([{ "person_id": head, "target": "1" }]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["shares[0].person_id"], "分单只能分给同级或下级同事");
    let (status, body) = act(&app, &holder, split(json!([{ "person_id": wangfang, "target": " " }]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(audit_count(&app, "task.split").await, 0);

    // Only the holder splits: not the colleague, not the leader.
    let colleague = app.sign_in_demo("wangfang").await;
    let shares = json!([{ "person_id": wangfang, "target": "600 户" }, { "person_id": chenjing, "target": "600 户" }]);
    assert_eq!(act(&app, &colleague, split(shares.clone())).await.0, StatusCode::FORBIDDEN);
    let leader = app.sign_in_demo("zhangwei").await;
    assert_eq!(act(&app, &leader, split(shares.clone())).await.0, StatusCode::FORBIDDEN);

    let (status, page) = act(&app, &holder, split(shares.clone())).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let listed = find(&page, "老城片区燃气安全入户排查")["shares"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["person_name"], "王芳");
    assert_eq!(listed[0]["target"], "600 户");
    assert_eq!(listed[0]["status"], "dispatched");
    assert_eq!(audit_count(&app, "task.split").await, 1);
    // The same colleague twice is refused.
    let (status, body) = act(&app, &holder, split(json!([{ "person_id": wangfang, "target": "1" }]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"]["shares[0].person_id"], "已分给这位同事");

    // 王芳 sees her share, split from 李娜, and accepts it (接单).
    let (_, mine) = load(&app, &colleague, None).await;
    let share = find(&mine, "老城片区燃气安全入户排查");
    assert_eq!(share["split_from"], "李娜");
    assert_eq!(share["status"], "dispatched");
    assert_eq!(share["target"], "600 户");
    assert_eq!(mine["colleagues"].as_array().unwrap().len(), 2, "staff split among staff");
    let share_id = share["id"].as_i64().unwrap();
    let (status, mine) = act(&app, &colleague, json!({ "action": "accept", "task_id": share_id })).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(find(&mine, "老城片区燃气安全入户排查")["status"], "committed");
    let (_, page) = load(&app, &holder, None).await;
    let listed = find(&page, "老城片区燃气安全入户排查")["shares"].as_array().unwrap().clone();
    assert_eq!(listed[0]["status"], "committed");
    assert_eq!(listed[1]["status"], "dispatched");

    // Her leader reads her page but is offered no colleagues to split among.
    let (_, seen) = load(&app, &leader, Some(own)).await;
    assert!(seen["colleagues"].as_array().unwrap().is_empty());
}
