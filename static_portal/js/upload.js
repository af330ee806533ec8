// Attachments: the API reserves one and hands out a presigned upload; the browser sends the bytes
// straight to storage (never through the API), then names the ids in the message it posts.
import { api, ApiError } from "./api.js";

export async function uploadFile(ref, file) {
  const { data } = await api("POST", `/v1/items/${encodeURIComponent(ref)}/attachments`, {
    body: { filename: file.name, content_type: file.type || "application/octet-stream", size: file.size },
  });
  const up = data.upload || {};
  let res;
  try {
    if ((up.method || "POST").toUpperCase() === "PUT") {
      res = await fetch(up.url, { method: "PUT", headers: up.headers || {}, body: file, credentials: "omit" });
    } else {
      // S3 presigned POST: the policy fields first, the file last (S3 ignores fields after it).
      const fd = new FormData();
      for (const [k, v] of Object.entries(up.fields || {})) fd.append(k, v);
      fd.append("file", file);
      res = await fetch(up.url, { method: "POST", body: fd, credentials: "omit" });
    }
  } catch {
    throw new ApiError(0, "upload_failed", `Uploading ${file.name} failed: storage could not be reached.`);
  }
  if (!res.ok) throw new ApiError(res.status, "upload_failed", `Uploading ${file.name} failed (${res.status}).`);
  return data.id;
}

export async function uploadAll(ref, files, onProgress) {
  const ids = [];
  for (const [i, f] of [...files].entries()) {
    onProgress?.(`Uploading ${f.name} (${i + 1}/${files.length})…`);
    ids.push(await uploadFile(ref, f));
  }
  return ids;
}

/** A download link is short-lived, so it is fetched when clicked rather than rendered up front. */
export async function openAttachment(ref, id) {
  const { data } = await api("GET", `/v1/items/${encodeURIComponent(ref)}/attachments/${encodeURIComponent(id)}`);
  const url = String(data.url || "");
  if (/^(https?:|\/)/i.test(url)) location.assign(url);
}
