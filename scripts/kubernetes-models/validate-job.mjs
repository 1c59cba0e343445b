// Validates a batch/v1 Job read as JSON from stdin against the Kubernetes OpenAPI schema (kubernetes-models).
// Exit 0 and "valid" when it conforms; exit 1 with the schema errors when it does not; exit 2 on unreadable input.
import { Job } from "kubernetes-models/batch/v1/Job";

let text = "";
for await (const chunk of process.stdin) text += chunk;

let object;
try {
  object = JSON.parse(text);
} catch (e) {
  console.error(`not JSON: ${e.message}`);
  process.exit(2);
}

try {
  new Job(object).validate();
  console.log("valid");
} catch (e) {
  console.error(e.message);
  if (e.errors) console.error(JSON.stringify(e.errors, null, 2));
  process.exit(1);
}
