//! The audit log is append-only and hash-chained.

use server::storage::audit;

use crate::helpers::{exec, try_exec, TestApp};
use crate::on_both_databases;

on_both_databases!(
    sign_ins_and_outs_are_chained_in_the_audit_log,
    the_database_refuses_to_change_audit_rows,
    an_altered_row_is_named_by_verification,
);

async fn sign_ins_and_outs_are_chained_in_the_audit_log(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    app.call("sign_out", &[], Some(&cookie)).await;
    audit::seal_all(&app.db).await.unwrap();
    let mut pooled = app.db.acquire().await.unwrap();
    let report = audit::verify(&mut pooled.conn()).await.unwrap();
    assert_eq!(report.entries, 3, "load_demo, sign_in, sign_out");
    assert_eq!(report.first_broken, None);
    assert_eq!(report.pending, 0);
}

async fn the_database_refuses_to_change_audit_rows(app: TestApp) {
    app.load_demo().await;
    assert!(try_exec(&app.db, "UPDATE audit_log SET action = 'x'").await.is_err());
    assert!(try_exec(&app.db, "DELETE FROM audit_log").await.is_err());
    // Sealing is the one change allowed, once: a sealed entry cannot be resealed or unsealed.
    audit::seal_all(&app.db).await.unwrap();
    assert!(try_exec(&app.db, "UPDATE audit_log SET hash = 'x', prev_hash = 'y', seq = 99 WHERE id = 1")
        .await
        .is_err());
    assert!(try_exec(&app.db, "UPDATE audit_log SET hash = NULL, prev_hash = NULL, seq = NULL WHERE id = 1")
        .await
        .is_err());
}

async fn an_altered_row_is_named_by_verification(app: TestApp) {
    app.load_demo().await;
    for _ in 0..3 {
        let cookie = app.sign_in_demo("wangfang").await;
        app.call("sign_out", &[], Some(&cookie)).await;
    }
    audit::seal_all(&app.db).await.unwrap();
    // Someone with database access drops the guard and edits the third entry.
    for sql in audit::disable_guard_sql(app.flavor()) {
        exec(&app.db, sql).await;
    }
    exec(&app.db, "UPDATE audit_log SET subject_id = '999' WHERE id = 3").await;
    let mut pooled = app.db.acquire().await.unwrap();
    let report = audit::verify(&mut pooled.conn()).await.unwrap();
    assert_eq!(report.first_broken, Some(3));
}
