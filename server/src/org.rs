//! The organisation as each role may see it.

use std::collections::BTreeMap;

use app::error::AppError;
use app::model::{Member, PeerGroup, Profile, Role, SessionUser, Tier, UnitRoster, UnitSummary};

use crate::error::OrInternal;
use crate::rights;
use crate::storage::{org, Db};

fn member(row: org::PersonRow) -> Member {
    Member {
        person_id: row.id,
        name: row.name,
        // The CHECK constraint admits only the three tiers; staff is the safe reading.
        tier: Tier::parse(&row.tier).unwrap_or(Tier::Staff),
        post: row.post,
    }
}

fn summary(row: org::UnitCountRow) -> UnitSummary {
    UnitSummary {
        id: row.id,
        name: row.name,
        category: row.category,
        peer_group: row.peer_group,
        member_count: row.member_count,
    }
}

/// The caller's own record.
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn profile(db: &Db, user: &SessionUser) -> Result<Profile, AppError> {
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let person = match user.person_id {
        Some(id) => org::person(&mut conn, id).await.or_internal("person")?,
        None => None,
    };
    let unit = match &person {
        Some(p) => org::unit(&mut conn, p.unit_id).await.or_internal("unit")?.map(|u| UnitSummary {
            id: u.id,
            name: u.name,
            category: u.category,
            peer_group: u.peer_group,
            member_count: 0,
        }),
        None => None,
    };
    Ok(Profile {
        display_name: user.display_name.clone(),
        username: user.username.clone(),
        roles: user.roles.clone(),
        person: person.map(member),
        unit,
    })
}

/// The units a leader supervises, each with its people in roster order.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller is a leader.
pub async fn supervised_units(db: &Db, user: &SessionUser) -> Result<Vec<UnitRoster>, AppError> {
    rights::require_role(user, Role::Leader)?;
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let units = org::units_supervised_by(&mut conn, user.id).await.or_internal("units")?;
    let people = org::people_supervised_by(&mut conn, user.id).await.or_internal("people")?;
    let mut by_unit: BTreeMap<i64, Vec<Member>> = BTreeMap::new();
    for p in people {
        by_unit.entry(p.unit_id).or_default().push(member(p));
    }
    Ok(units
        .into_iter()
        .map(|u| {
            let members = by_unit.remove(&u.id).unwrap_or_default();
            UnitRoster { unit: summary(u), members }
        })
        .collect())
}

/// Every assessed unit, grouped by peer group (groups in name order).
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller is an organisation admin.
pub async fn peer_groups(db: &Db, user: &SessionUser) -> Result<Vec<PeerGroup>, AppError> {
    rights::require_role(user, Role::Admin)?;
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let rows = org::units_with_counts(&mut pooled.conn()).await.or_internal("units")?;
    Ok(group_by_peer_group(rows.into_iter().map(summary).collect()))
}

/// Groups units by their peer group, keeping each group's units in the given order.
pub fn group_by_peer_group(units: Vec<UnitSummary>) -> Vec<PeerGroup> {
    let mut groups: BTreeMap<String, Vec<UnitSummary>> = BTreeMap::new();
    for u in units {
        groups.entry(u.peer_group.clone()).or_default().push(u);
    }
    groups.into_iter().map(|(name, units)| PeerGroup { name, units }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, group: &str) -> UnitSummary {
        UnitSummary {
            id, name: format!("单位{id}"), category: "镇".into(), peer_group: group.into(), member_count: 1
        }
    }

    #[test]
    fn units_are_grouped_by_peer_group_in_order() {
        let groups = group_by_peer_group(vec![unit(1, "街道组"), unit(2, "大镇组"), unit(3, "街道组")]);
        let names: Vec<_> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["大镇组", "街道组"]);
        assert_eq!(groups[1].units.iter().map(|u| u.id).collect::<Vec<_>>(), [1, 3]);
    }
}
