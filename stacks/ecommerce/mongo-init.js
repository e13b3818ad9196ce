// Creates the application user with read/write access to the application
// database only, run once by the mongo image on an empty data volume
// (mounted at /docker-entrypoint-initdb.d/ by stacks/ecommerce.toml).
// The credentials come from the container's environment.
const database = process.env.MONGO_INITDB_DATABASE || "ecommerce";
db.getSiblingDB(database).createUser({
  user: process.env.MONGO_APP_USERNAME,
  pwd: process.env.MONGO_APP_PASSWORD,
  roles: [{ role: "readWrite", db: database }],
});
