// `sqlx::migrate!` embeds the migration files at compile time, but cargo does not know
// they are inputs: without this, a new migration is missed by an incremental build (the
// server would start without it). This is the build script sqlx recommends.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
