//! Who may do what. Every service function calls these before touching a record:
//! the role first, then the record itself (a cadre only their own, a leader only the
//! units they supervise).

use app::error::AppError;
use app::model::{Role, SessionUser};

/// The user must hold `role`.
///
/// # Errors
/// [`AppError::Forbidden`] otherwise.
pub fn require_role(user: &SessionUser, role: Role) -> Result<(), AppError> {
    if user.has_role(role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The user may read the records of a person in `unit_id`: the person themself,
/// a leader supervising that unit, or an organisation admin.
///
/// # Errors
/// [`AppError::Forbidden`] otherwise.
pub fn require_person_access(user: &SessionUser, person_id: i64, unit_id: i64) -> Result<(), AppError> {
    let own = user.person_id == Some(person_id);
    if own || user.supervises(unit_id) || user.has_role(Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: Vec<Role>, person: Option<i64>, units: Vec<i64>) -> SessionUser {
        SessionUser {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles,
            person_id: person,
            unit_id: None,
            supervised_units: units,
        }
    }

    #[test]
    fn a_cadre_reads_only_their_own_record() {
        let cadre = user(vec![Role::Cadre], Some(5), vec![]);
        assert!(require_person_access(&cadre, 5, 1).is_ok());
        assert_eq!(require_person_access(&cadre, 6, 1), Err(AppError::Forbidden));
    }

    #[test]
    fn a_leader_reads_only_the_units_they_supervise() {
        let leader = user(vec![Role::Leader], Some(9), vec![1, 2]);
        assert!(require_person_access(&leader, 5, 2).is_ok());
        assert_eq!(require_person_access(&leader, 5, 3), Err(AppError::Forbidden));
    }

    #[test]
    fn roles_are_required_as_held() {
        let cadre = user(vec![Role::Cadre], Some(5), vec![]);
        assert!(require_role(&cadre, Role::Cadre).is_ok());
        assert_eq!(require_role(&cadre, Role::Admin), Err(AppError::Forbidden));
    }
}
