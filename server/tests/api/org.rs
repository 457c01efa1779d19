//! Who sees which part of the organisation.

use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    a_cadre_sees_their_own_profile_with_unit_and_tier,
    a_leader_sees_only_the_units_they_supervise,
    a_cadre_may_not_list_units,
    only_the_admin_sees_all_peer_groups,
    anonymous_calls_are_unauthenticated,
);

async fn a_cadre_sees_their_own_profile_with_unit_and_tier(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let (status, p) = app.json("my_profile", &[], Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["display_name"], "王芳");
    assert_eq!(p["person"]["tier"], "staff");
    assert_eq!(p["person"]["post"], "综合办科员");
    assert_eq!(p["unit"]["name"], "老城街道");
    assert_eq!(p["unit"]["peer_group"], "街道组");
}

async fn a_leader_sees_only_the_units_they_supervise(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("zhangwei").await;
    let (status, units) = app.json("my_units", &[], Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let units = units.as_array().unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!(units[0]["unit"]["name"], "老城街道");
    let names: Vec<_> = units[0]["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["张伟", "李娜", "王芳", "刘洋", "陈静"]);
    assert!(!names.contains(&"赵刚"), "another street's head is not listed");
}

async fn a_cadre_may_not_list_units(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let (status, body) = app.json("my_units", &[], Some(&cookie)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "forbidden");
    let (status, _) = app.json("peer_groups", &[], Some(&cookie)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn only_the_admin_sees_all_peer_groups(app: TestApp) {
    app.load_demo().await;
    let leader = app.sign_in_demo("zhangwei").await;
    let (status, _) = app.json("peer_groups", &[], Some(&leader)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let admin = app.sign_in_demo("admin").await;
    let (status, groups) = app.json("peer_groups", &[], Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let groups = groups.as_array().unwrap();
    let names: Vec<_> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    let units: usize = groups.iter().map(|g| g["units"].as_array().unwrap().len()).sum();
    assert_eq!(units, 8);
    let people: i64 =
        groups.iter().flat_map(|g| g["units"].as_array().unwrap()).map(|u| u["member_count"].as_i64().unwrap()).sum();
    assert_eq!(people, 40);
}

async fn anonymous_calls_are_unauthenticated(app: TestApp) {
    app.load_demo().await;
    for endpoint in ["my_profile", "my_units", "peer_groups"] {
        let (status, body) = app.json(endpoint, &[], None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}");
        assert_eq!(body["code"], "unauthenticated");
    }
}
