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

/// AWS managed policies the roles of [`roles_dump`] attach, a few each.
const ATTACHED: [&str; 8] = [
    "ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AWSLambdaBasicExecutionRole",
    "SecurityAudit",
    "AmazonEC2ReadOnlyAccess",
    "CloudWatchLogsFullAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonSQSFullAccess",
];

/// How many distinct roles [`roles_dump`] repeats under new names.
const ROLE_SHAPES: usize = 60;

/// A pretty-printed dump of about `target` bytes made of roles only, as an account with
/// tens of thousands of workload roles looks: each role is one of a few dozen shapes
/// (trust policy, a small inline policy, three or four AWS managed policies) repeated
/// under its own name, so the same documents recur thousands of times.
pub fn roles_dump(target: usize) -> String {
    let mut out = String::with_capacity(target + (1 << 16));
    out.push_str("{\n\"UserDetailList\": [],\n\"GroupDetailList\": [],\n\"RoleDetailList\": [\n");
    let mut r = 0;
    while out.len() < target {
        let shape = r % ROLE_SHAPES;
        let attached: Vec<serde_json::Value> = (0..3 + shape % 2)
            .map(|k| {
                let name = ATTACHED[(shape + k * 3) % ATTACHED.len()];
                let path = if name == "AWSLambdaBasicExecutionRole" { "service-role/" } else { "" };
                serde_json::json!({"PolicyName": name, "PolicyArn": format!("arn:aws:iam::aws:policy/{path}{name}")})
            })
            .collect();
        let service = ["lambda", "ec2", "ecs-tasks"][shape % 3];
        let role = serde_json::json!({
            "Path": "/",
            "RoleName": format!("workload-{r}"),
            "RoleId": format!("AROA{r:016}"),
            "Arn": format!("arn:aws:iam::111122223333:role/workload-{r}"),
            "CreateDate": "2024-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": format!("{service}.amazonaws.com")}, "Action": "sts:AssumeRole"}]},
            "InstanceProfileList": [],
            "RolePolicyList": [{"PolicyName": format!("app-{shape}"), "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": format!("arn:aws:s3:::app-{shape}-data/*")},
                {"Effect": "Allow", "Action": "sqs:*", "Resource": format!("arn:aws:sqs:us-east-1:111122223333:queue-{shape}")}
            ]}}],
            "AttachedManagedPolicies": attached,
            "Tags": [{"Key": "app", "Value": format!("app-{shape}")}],
            "RoleLastUsed": {"LastUsedDate": "2024-06-01T00:00:00Z", "Region": "us-east-1"}
        });
        if r > 0 {
            out.push_str(",\n");
        }
        out.push_str(&serde_json::to_string_pretty(&role).unwrap_or_default());
        r += 1;
    }
    out.push_str("\n],\n\"Policies\": [],\n\"Marker\": null\n}\n");
    out
}
