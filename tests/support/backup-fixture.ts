/** A valid `backup` setting for kubernetes test configs: an S3 repository reached by workload identity, its role and a registry. */
export const KUBERNETES_BACKUP = {
  repository: {
    type: "s3",
    s3: { bucket: "supabase-backups-test", endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1", path: "/supabase/test", keyType: "web-id" },
  },
  imageRegistry: "registry.example.com/supabase",
  serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/supabase-backup-test" },
} as const;
