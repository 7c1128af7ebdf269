//! A synthetic account dump for the loading benchmark, generated at run time.

use std::fmt::Write as _;

/// A pretty-printed `get-account-authorization-details` dump of about `target` bytes:
/// customer managed policies with three versions each, roles with trust, inline and
/// attached policies and instance profiles, users with groups, and groups.
pub fn dump(target: usize) -> String {
    let statements = |seed: usize, n: usize| {
        let list: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                serde_json::json!({
                    "Sid": format!("S{seed}x{i}"),
                    "Effect": if i % 7 == 0 { "Deny" } else { "Allow" },
                    "Action": [format!("s3:GetObject{i}"), "ec2:Describe*", format!("iam:PassRole{seed}")],
                    "Resource": [format!("arn:aws:s3:::bucket-{seed}-{i}/*"), "*"],
                    "Condition": {"StringEquals": {"aws:ResourceTag/team": format!("team-{i}")}}
                })
            })
            .collect();
        serde_json::json!({"Version": "2012-10-17", "Statement": list})
    };
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let policies = 3000;
    let mut out = String::with_capacity(target + (1 << 20));
    out.push_str("{\n\"Policies\": [\n");
    for p in 0..policies {
        let versions: Vec<serde_json::Value> = (0..3)
            .map(|v| {
                serde_json::json!({
                    "Document": statements(p, 6),
                    "VersionId": format!("v{}", v + 1),
                    "IsDefaultVersion": v == 2,
                    "CreateDate": "2024-01-01T00:00:00Z"
                })
            })
            .collect();
        let policy = serde_json::json!({
            "PolicyName": format!("policy-{p}"),
            "PolicyId": format!("ANPA{p:016}"),
            "Arn": format!("arn:aws:iam::111122223333:policy/policy-{p}"),
            "Path": "/",
            "DefaultVersionId": "v3",
            "AttachmentCount": 4,
            "IsAttachable": true,
            "PolicyVersionList": versions
        });
        if p > 0 {
            out.push_str(",\n");
        }
        out.push_str(&pretty(&policy));
    }
    out.push_str("\n],\n\"GroupDetailList\": [\n");
    for g in 0..200 {
        let group = serde_json::json!({
            "GroupName": format!("group-{g}"),
            "Arn": format!("arn:aws:iam::111122223333:group/group-{g}"),
            "GroupPolicyList": [{"PolicyName": "inline", "PolicyDocument": statements(g, 4)}],
            "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
        });
        if g > 0 {
            out.push_str(",\n");
        }
        out.push_str(&pretty(&group));
    }
    out.push_str("\n],\n\"UserDetailList\": [\n");
    for u in 0..5000 {
        let user = serde_json::json!({
            "UserName": format!("user-{u}"),
            "Arn": format!("arn:aws:iam::111122223333:user/user-{u}"),
            "GroupList": [format!("group-{}", u % 200)],
            "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": statements(u, 3)}],
            "AttachedManagedPolicies": [{"PolicyName": format!("policy-{}", u % policies), "PolicyArn": format!("arn:aws:iam::111122223333:policy/policy-{}", u % policies)}],
            "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/policy-0"}
        });
        if u > 0 {
            out.push_str(",\n");
        }
        out.push_str(&pretty(&user));
    }
    out.push_str("\n],\n\"RoleDetailList\": [\n");
    let mut r = 0;
    while out.len() < target {
        let role = serde_json::json!({
            "Path": "/",
            "RoleName": format!("role-{r}"),
            "RoleId": format!("AROA{r:016}"),
            "Arn": format!("arn:aws:iam::111122223333:role/role-{r}"),
            "CreateDate": "2024-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "InstanceProfileList": [{"InstanceProfileName": format!("profile-{r}"), "Arn": format!("arn:aws:iam::111122223333:instance-profile/profile-{r}")}],
            "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": statements(r, 8)}],
            "AttachedManagedPolicies": [
                {"PolicyName": format!("policy-{}", r % policies), "PolicyArn": format!("arn:aws:iam::111122223333:policy/policy-{}", r % policies)},
                {"PolicyName": "SecurityAudit", "PolicyArn": "arn:aws:iam::aws:policy/SecurityAudit"}
            ],
            "Tags": [{"Key": "team", "Value": format!("team-{}", r % 10)}],
            "RoleLastUsed": {}
        });
        if r > 0 {
            out.push_str(",\n");
        }
        out.push_str(&pretty(&role));
        r += 1;
    }
    let _ = write!(out, "\n],\n\"Marker\": null\n}}\n");
    out
}
