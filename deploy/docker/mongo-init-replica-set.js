// Makes the compose MongoDB a one-node replica set named rs0 (transactions and change streams
// need a replica set). Run by the `mongo-init` service of docker-compose.yml; safe to rerun.
const replicaSet = { _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] };

try {
  rs.status();
  print("replica set rs0 already initiated");
} catch (error) {
  if (error.codeName !== "NotYetInitialized") {
    throw error;
  }
  rs.initiate(replicaSet);
  print("replica set rs0 initiated");
}

// The services start when this script exits, so wait until the node accepts writes.
const deadline = Date.now() + 60 * 1000;
while (!db.hello().isWritablePrimary) {
  if (Date.now() > deadline) {
    throw new Error("rs0 has no primary after 60 s");
  }
  sleep(500);
}
print("rs0 primary ready");
