//! Types shared by the phone and the server. They cross the wire as JSON, so they hold
//! nothing secret (no password hashes, no tokens).

use serde::{Deserialize, Serialize};

/// What a signed-in user may do. A user may hold several roles (a unit head is both
/// assessed and a leader).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 干部: files the monthly report and sees their own results.
    Cadre,
    /// 领导: reviews the people of the units they supervise.
    Leader,
    /// 组织部门管理员: configures schemes, sees rankings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Cadre, Role::Leader, Role::Admin];
    /// The order tabs appear in and the first one is home: a unit head who is both
    /// assessed and a leader reviews far more often than they file.
    pub const HOME_ORDER: [Role; 3] = [Role::Leader, Role::Cadre, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cadre => "cadre",
            Role::Leader => "leader",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The page a user of this role lands on.
    pub fn home(self) -> &'static str {
        match self {
            Role::Cadre => "/filing",
            Role::Leader => "/review",
            Role::Admin => "/schemes",
        }
    }
}

/// The three assessed tiers of Hanbin's method, used everywhere a scheme is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 党政正职
    Principal,
    /// 科级干部
    Section,
    /// 一般工作人员
    Staff,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Principal, Tier::Section, Tier::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Principal => "principal",
            Tier::Section => "section",
            Tier::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The signed-in user as the UI needs it (tabs, names) and as rights checks need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// The assessed person behind this account, if any (admins may have none).
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Units this user supervises as a leader.
    pub supervised_units: Vec<i64>,
}

impl SessionUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn supervises(&self, unit_id: i64) -> bool {
        self.has_role(Role::Leader) && self.supervised_units.contains(&unit_id)
    }

    /// The landing page: the first of the user's roles in [`Role::HOME_ORDER`].
    pub fn home(&self) -> &'static str {
        Role::HOME_ORDER.into_iter().find(|r| self.has_role(*r)).map(Role::home).unwrap_or("/login")
    }
}

/// A unit of the organisation tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitSummary {
    pub id: i64,
    pub name: String,
    /// 街道 / 镇 / 经济部门 / 综合管理 …
    pub category: String,
    /// The group the unit is ranked in.
    pub peer_group: String,
    pub member_count: i64,
}

/// A person as their unit and leaders see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub person_id: i64,
    pub name: String,
    pub tier: Tier,
    pub post: String,
}

/// A unit with its members (a leader's 本单位 page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRoster {
    pub unit: UnitSummary,
    pub members: Vec<Member>,
}

/// The signed-in cadre's own record (我的考核).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub display_name: String,
    pub username: String,
    pub roles: Vec<Role>,
    pub person: Option<Member>,
    pub unit: Option<UnitSummary>,
}

/// Units ranked together (同类比较): the admin's overview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerGroup {
    pub name: String,
    pub units: Vec<UnitSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: Vec<Role>) -> SessionUser {
        SessionUser {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles,
            person_id: None,
            unit_id: None,
            supervised_units: vec![7],
        }
    }

    #[test]
    fn home_follows_the_first_role_held() {
        assert_eq!(user(vec![Role::Cadre]).home(), "/filing");
        assert_eq!(user(vec![Role::Leader]).home(), "/review");
        assert_eq!(user(vec![Role::Admin]).home(), "/schemes");
        assert_eq!(user(vec![Role::Admin, Role::Leader]).home(), "/review");
        assert_eq!(user(vec![Role::Cadre, Role::Leader]).home(), "/review");
        assert_eq!(user(vec![]).home(), "/login");
    }

    #[test]
    fn only_leaders_supervise_their_units() {
        assert!(user(vec![Role::Leader]).supervises(7));
        assert!(!user(vec![Role::Leader]).supervises(8));
        assert!(!user(vec![Role::Cadre]).supervises(7));
    }

    #[test]
    fn roles_and_tiers_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        for t in Tier::ALL {
            assert_eq!(Tier::parse(t.as_str()), Some(t));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
