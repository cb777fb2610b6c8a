// Checks Kubernetes manifests against the JSON schemas of the Kubernetes API shipped inside kubernetes-models
// (compiled ajv validators; nothing is fetched). Prints one line per object and exits 1 if any object is invalid or
// of a kind it has no schema for.
//   node validate.mjs deploy/k8s/statefulset.yaml ...
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      console.log(`invalid ${file}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      failed++;
      continue;
    }
    const object = document.toJS();
    if (object === null) {
      continue;
    }
    const where = `${file}: ${object.kind}/${object.metadata?.name}`;
    const [group, version] = String(object.apiVersion).includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
    const module = `kubernetes-models/${group ? `${group}/` : ""}${version}/${object.kind}`;
    let Model;
    try {
      Model = (await import(module))[object.kind];
    } catch {
      console.log(`invalid ${where}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
      failed++;
      continue;
    }
    try {
      new Model(object).validate();
      console.log(`ok ${where}`);
    } catch (error) {
      console.log(`invalid ${where}: ${error.message}`);
      failed++;
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
