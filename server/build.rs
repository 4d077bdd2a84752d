// The PostgreSQL migrations are embedded by `sqlx::migrate!`: a new or changed one rebuilds.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
