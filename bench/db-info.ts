import { readFileSync } from "node:fs";
import path from "node:path";
import { connectDatabase } from "@kring/db";

/** The FerretDB module version that tools/ferretdb builds; its own buildInfo says "unknown". */
function embeddedFerretdbVersion(repoRoot: string): string | undefined {
  try {
    return /github\.com\/FerretDB\/FerretDB v(\S+)/.exec(readFileSync(path.join(repoRoot, "tools/ferretdb/go.mod"), "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** What answers on mongodbUri: FerretDB identifies itself in buildInfo. Pass repoRoot when devstack built it. */
export async function describeDatabase(mongodbUri: string, embeddedFrom?: string): Promise<string> {
  const connection = await connectDatabase(mongodbUri);
  try {
    const info = (await connection.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string; ferretdb?: { version?: string } };
    let ferretdb = info.ferretdbVersion ?? info.ferretdb?.version;
    if (ferretdb === "unknown" && embeddedFrom !== undefined) ferretdb = embeddedFerretdbVersion(embeddedFrom) ?? ferretdb;
    return ferretdb !== undefined ? `FerretDB ${ferretdb} (speaks MongoDB ${info.version ?? "?"})` : `MongoDB ${info.version ?? "?"}`;
  } finally {
    await connection.close();
  }
}

/** The bench's database is throwaway; on a shared MONGODB_URI it must not pile up. */
export async function dropDatabase(mongodbUri: string, dbName: string): Promise<void> {
  const connection = await connectDatabase(mongodbUri, { dbName });
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}
