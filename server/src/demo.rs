//! The demo district: eight units in four peer groups, forty people across the three
//! tiers, their leaders (each unit head reviews their unit at level one), the district
//! assessment office 考核办 confirming every unit at level two, and one
//! organisation-department admin, modelled on the seed
//! articles (streets and towns as in Hanbin and Wanzhou, economic and comprehensive
//! departments as in Hengkou's categories).
//!
//! Loaded only on request (`kaohe serve --demo` on an empty database, or
//! `kaohe load-demo`), never by a production start: demo accounts share one public
//! password.

use app::model::{Role, Tier};
use chrono::{Datelike, NaiveDate};
use serde_json::json;

use crate::auth::password;
use crate::storage::schemes::NewBinding;
use crate::storage::tasks::NewTask;
use crate::storage::{self, audit, org, reviews, schemes, settings, tasks, users, Db};

/// The password of every demo account.
pub const PASSWORD: &str = "kaohe2026";

/// The accounts a newcomer is told about.
pub const SIGN_INS: [(&str, &str); 5] = [
    ("干部（一般工作人员，月度考核）", "wangfang"),
    ("领导（老城街道党工委书记，一级审核，也按月填报）", "zhangwei"),
    ("考核办（各单位二级确认、公示）", "kaoheban"),
    ("干部（新城街道党工委书记，可试“本月无重难点工作”）", "zhaogang"),
    ("组织部门管理员", "admin"),
];

/// Which seed scheme each demo tier files under, by unit category: (categories, tier,
/// scheme). Departments' heads have no scheme bound: Hengkou's department scheme (S2)
/// expired at the end of 2023, so their report page shows the empty state.
const BINDINGS: [(&[&str], Tier, &str); 4] = [
    (&["街道", "镇", "经济部门", "综合管理"], Tier::Staff, "s1-hanbin-staff-monthly"),
    (&["街道", "镇"], Tier::Principal, "s4-wanzhou-head-monthly-street"),
    (&["街道", "镇"], Tier::Section, "s5-quzhou-cadre-quarterly"),
    (&["经济部门", "综合管理"], Tier::Section, "s3-lvyuan-midlevel-halfyear"),
];

/// The task list (任务清单) and post duties (岗位职责) of the demo cadre 王芳.
const WANGFANG_DUTIES: &str =
    "负责街道综合办公文运转、会议组织和督办；协助推进老城片区商户分流安置和矛盾纠纷排查化解；完成领导交办的其他工作。";
const WANGFANG_TASKS: [(&str, &str, &str, Option<&str>, &str); 3] = [
    ("兴安小区商户分流安置", "一户一策，面对面宣讲政策", "95 户", Some("households"), "committed"),
    ("矛盾纠纷排查台账", "每周走访网格，按月更新台账", "每月更新", None, "committed"),
    ("季度政策宣讲", "进社区开展惠民政策宣讲", "每季度 1 场", None, "approved"),
];

/// Who holds a dispatched, accepted task in the demo (to try 分单), and the task.
const DISPATCHED_TO: &str = "lina";
const DISPATCHED_TASK: (&str, &str, &str) =
    ("老城片区燃气安全入户排查", "党工委派单：分网格逐户排查，隐患当场登记、限期整改", "1200 户");

struct DemoUnit {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    peer_group: &'static str,
    /// (username, name, tier, post); the first person is the unit head, who signs in as
    /// the unit's supervising leader; everyone else signs in as a cadre.
    people: [(&'static str, &'static str, Tier, &'static str); 5],
}

const DISTRICT: [DemoUnit; 8] = [
    DemoUnit {
        code: "laocheng",
        name: "老城街道",
        category: "街道",
        peer_group: "街道组",
        people: [
            ("zhangwei", "张伟", Tier::Principal, "党工委书记"),
            ("lina", "李娜", Tier::Section, "党工委副书记"),
            ("wangfang", "王芳", Tier::Staff, "综合办科员"),
            ("liuyang", "刘洋", Tier::Staff, "社区事务办科员"),
            ("chenjing", "陈静", Tier::Staff, "网格管理员"),
        ],
    },
    DemoUnit {
        code: "xincheng",
        name: "新城街道",
        category: "街道",
        peer_group: "街道组",
        people: [
            ("zhaogang", "赵刚", Tier::Principal, "党工委书记"),
            ("sunli", "孙丽", Tier::Section, "办事处副主任"),
            ("zhoujie", "周杰", Tier::Staff, "城管办科员"),
            ("wumin", "吴敏", Tier::Staff, "民政办科员"),
            ("zhenghao", "郑浩", Tier::Staff, "经济发展办科员"),
        ],
    },
    DemoUnit {
        code: "wuli",
        name: "五里镇",
        category: "镇",
        peer_group: "镇组",
        people: [
            ("huanglei", "黄磊", Tier::Principal, "镇党委书记"),
            ("hejun", "何军", Tier::Section, "副镇长"),
            ("machao", "马超", Tier::Staff, "农业综合服务站科员"),
            ("humei", "胡梅", Tier::Staff, "党政办科员"),
            ("linfeng", "林峰", Tier::Staff, "乡村振兴办科员"),
        ],
    },
    DemoUnit {
        code: "bahe",
        name: "坝河镇",
        category: "镇",
        peer_group: "镇组",
        people: [
            ("guoqiang", "郭强", Tier::Principal, "镇党委书记"),
            ("luoyong", "罗勇", Tier::Section, "副镇长"),
            ("gaolin", "高琳", Tier::Staff, "综治办科员"),
            ("liangyu", "梁宇", Tier::Staff, "财政所科员"),
            ("songjia", "宋佳", Tier::Staff, "党建办科员"),
        ],
    },
    DemoUnit {
        code: "fagai",
        name: "区发展和改革局",
        category: "经济部门",
        peer_group: "经济部门组",
        people: [
            ("xiedong", "谢东", Tier::Principal, "局长"),
            ("hanbing", "韩冰", Tier::Section, "副局长"),
            ("tangliang", "唐亮", Tier::Section, "项目科科长"),
            ("fengxue", "冯雪", Tier::Staff, "综合科科员"),
            ("dengkai", "邓凯", Tier::Staff, "规划科科员"),
        ],
    },
    DemoUnit {
        code: "shangwu",
        name: "区商务局",
        category: "经济部门",
        peer_group: "经济部门组",
        people: [
            ("caoyang", "曹阳", Tier::Principal, "局长"),
            ("pengfei", "彭飞", Tier::Section, "副局长"),
            ("zengdan", "曾丹", Tier::Section, "招商科科长"),
            ("xiaonan", "肖楠", Tier::Staff, "外贸科科员"),
            ("tiantian", "田甜", Tier::Staff, "综合科科员"),
        ],
    },
    DemoUnit {
        code: "quweiban",
        name: "区委办公室",
        category: "综合管理",
        peer_group: "综合管理组",
        people: [
            ("yuanming", "袁明", Tier::Principal, "主任"),
            ("panting", "潘婷", Tier::Section, "副主任"),
            ("jiangtao", "蒋涛", Tier::Section, "督查科科长"),
            ("caiqin", "蔡琴", Tier::Staff, "秘书科科员"),
            ("dupeng", "杜鹏", Tier::Staff, "信息科科员"),
        ],
    },
    DemoUnit {
        code: "sifa",
        name: "区司法局",
        category: "综合管理",
        peer_group: "综合管理组",
        people: [
            ("chengyuan", "程远", Tier::Principal, "局长"),
            ("weichen", "魏晨", Tier::Section, "副局长"),
            ("suhui", "苏慧", Tier::Section, "法治科科长"),
            ("lvbo", "吕博", Tier::Staff, "公证科科员"),
            ("dingjie", "丁洁", Tier::Staff, "综合科科员"),
        ],
    },
];

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub units: usize,
    pub people: usize,
    pub accounts: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("数据库中已有用户，演示数据只能载入空数据库")]
    NotEmpty,
    #[error("载入演示数据失败：{0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Hash(#[from] password::HashError),
    #[error("内置方案无效：{0}")]
    Scheme(String),
}

/// Loads the demo district into an empty database, in one transaction.
///
/// # Errors
/// [`DemoError::NotEmpty`] when any user exists (so it never mixes with real data).
pub async fn load(db: &Db) -> Result<Loaded, DemoError> {
    crate::schemes::install_builtin(db).await.map_err(|e| match e {
        crate::schemes::SchemeError::Database(e) => DemoError::Database(e),
        other => DemoError::Scheme(other.to_string()),
    })?;
    // One hash for all demo accounts: they share a published password, and hashing
    // forty times would cost seconds on every fresh demo or test database.
    let hash = password::hash(PASSWORD.to_string()).await?;
    let now = storage::now();
    let mut tx = db.begin().await?;
    if users::count(&mut tx.conn()).await? > 0 {
        return Err(DemoError::NotEmpty);
    }

    let district = org::insert_unit(
        &mut tx.conn(),
        &org::NewUnit { parent_id: None, code: "district", name: "汉江新区", category: "区", peer_group: "区" },
        now,
    )
    .await?;

    // 考核办: the second review level (确认) of every unit, and who publishes results.
    let office =
        users::NewUser { username: "kaoheban", password_hash: &hash, person_id: None, display_name: "区考核办" };
    let office_id = users::insert(&mut tx.conn(), &office, now).await?;
    users::add_role(&mut tx.conn(), office_id, Role::Leader.as_str()).await?;

    let (mut people, mut accounts) = (0, 1);
    for unit in &DISTRICT {
        let unit_id = org::insert_unit(
            &mut tx.conn(),
            &org::NewUnit {
                parent_id: Some(district),
                code: unit.code,
                name: unit.name,
                category: unit.category,
                peer_group: unit.peer_group,
            },
            now,
        )
        .await?;
        reviews::add_reviewer(&mut tx.conn(), office_id, unit_id, 2).await?;
        let mut head_user_id = None;
        for (i, (username, name, tier, post)) in unit.people.iter().enumerate() {
            let person_id =
                org::insert_person(&mut tx.conn(), &org::NewPerson { unit_id, name, tier: tier.as_str(), post }, now)
                    .await?;
            let user =
                users::NewUser { username, password_hash: &hash, person_id: Some(person_id), display_name: name };
            let user_id = users::insert(&mut tx.conn(), &user, now).await?;
            // Everyone is assessed; the unit head also leads the unit.
            users::add_role(&mut tx.conn(), user_id, Role::Cadre.as_str()).await?;
            if i == 0 {
                users::add_role(&mut tx.conn(), user_id, Role::Leader.as_str()).await?;
                users::add_supervised_unit(&mut tx.conn(), user_id, unit_id).await?;
                head_user_id = Some(user_id);
            }
            if *username == "wangfang" {
                load_three_displays(&mut tx, person_id, user_id, now).await?;
            }
            match head_user_id {
                Some(head) if *username == DISPATCHED_TO => load_dispatched_task(&mut tx, person_id, head, now).await?,
                _ => {}
            }
            people += 1;
            accounts += 1;
        }
    }

    let admin =
        users::NewUser { username: "admin", password_hash: &hash, person_id: None, display_name: "组织部管理员" };
    let admin_id = users::insert(&mut tx.conn(), &admin, now).await?;
    users::add_role(&mut tx.conn(), admin_id, Role::Admin.as_str()).await?;
    accounts += 1;

    for (categories, tier, scheme_id) in BINDINGS {
        for category in categories {
            let binding = NewBinding {
                scope_kind: "category",
                scope: category,
                tier: tier.as_str(),
                scheme_id,
                deadline_day: 5,
                allow_late: true,
            };
            schemes::bind(&mut tx.conn(), &binding).await?;
        }
    }

    settings::get_or_insert(&mut tx.conn(), "demo_loaded_at", &now.to_rfc3339()).await?;
    audit::append(
        &mut tx.conn(),
        &audit::NewEntry {
            actor_user_id: None,
            action: "load_demo".into(),
            subject_type: "district".into(),
            subject_id: district.to_string(),
            before: None,
            after: Some(json!({ "units": DISTRICT.len(), "people": people, "accounts": accounts })),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Loaded { units: DISTRICT.len(), people, accounts })
}

/// 王芳's post duties and this year's task list, approved by her leader.
async fn load_three_displays(
    tx: &mut storage::Tx,
    person_id: i64,
    user_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let year = crate::filing::china_today(now).year();
    tasks::set_duties(&mut tx.conn(), person_id, i64::from(year), WANGFANG_DUTIES, user_id, now).await?;
    for (title, measure, target, indicator, status) in WANGFANG_TASKS {
        let task = NewTask {
            person_id,
            year: i64::from(year),
            title,
            measure,
            target,
            deadline: NaiveDate::from_ymd_opt(year, 12, 31),
            indicator,
            status,
            origin: "self",
            created_by: user_id,
            parent_id: None,
        };
        tasks::insert(&mut tx.conn(), &task, now).await?;
    }
    Ok(())
}

/// 李娜 holds a task her unit head dispatched and she accepted (派单 → 接单), ready to be
/// split among her colleagues (分单).
async fn load_dispatched_task(
    tx: &mut storage::Tx,
    person_id: i64,
    head_user_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let year = crate::filing::china_today(now).year();
    let (title, measure, target) = DISPATCHED_TASK;
    let task = NewTask {
        person_id,
        year: i64::from(year),
        title,
        measure,
        target,
        deadline: NaiveDate::from_ymd_opt(year, 12, 31),
        indicator: None,
        status: "committed",
        origin: "dispatched",
        created_by: head_user_id,
        parent_id: None,
    };
    tasks::insert(&mut tx.conn(), &task, now).await.map(|_| ())
}

/// The lines printed after loading (or finding) the demo district.
pub fn sign_in_help(addr: &str) -> String {
    let mut out = format!("\n  考核 Kaohe 演示环境: http://{addr}\n  演示账号（密码均为 {PASSWORD}）:\n");
    for (who, username) in SIGN_INS {
        out.push_str(&format!("    {username:<10} {who}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_demo_district_has_unique_accounts_and_every_tier() {
        let names: HashSet<_> = DISTRICT.iter().flat_map(|u| u.people.iter().map(|p| p.0)).collect();
        assert_eq!(names.len(), 40);
        assert!(!names.contains("admin"));
        assert!(!names.contains("kaoheban"));
        for tier in Tier::ALL {
            assert!(DISTRICT.iter().flat_map(|u| u.people.iter()).any(|p| p.2 == tier));
        }
        for unit in &DISTRICT {
            assert_eq!(unit.people[0].2, Tier::Principal, "{} is headed by its principal", unit.name);
        }
    }

    #[test]
    fn every_peer_group_has_at_least_two_units_to_compare() {
        let mut groups = std::collections::HashMap::new();
        for u in &DISTRICT {
            *groups.entry(u.peer_group).or_insert(0) += 1;
        }
        assert!(groups.values().all(|&n| n >= 2), "{groups:?}");
    }

    #[test]
    fn the_advertised_sign_ins_exist() {
        for (_, username) in SIGN_INS {
            let exists = ["admin", "kaoheban"].contains(&username)
                || DISTRICT.iter().any(|u| u.people.iter().any(|p| p.0 == username));
            assert!(exists, "{username}");
        }
    }
}
