/** The policy of the CoA end-to-end tests: compliant device certificates → corp VLAN, the rest → remediation. */
export const POSTURE_POLICY = {
  vlans: { corp: 10, remediation: 999 },
  labels: { 'device-certificate': { method: 'eap-tls' }, 'jamf-compliant': { mdm: { state: 'compliant' } } },
  rules: [
    { name: 'corp-compliant', match: ['device-certificate', 'jamf-compliant'], action: 'allow', apply: { vlan: 'corp' } },
    { name: 'corp-remediation', match: ['device-certificate'], action: 'allow', apply: { vlan: 'remediation' } },
  ],
};
