{{/* Settings of the files of dossiers and of the citizens' sign-in, added to the ConfigMap. */}}
{{- define "motcua.filesConfig" -}}
{{- $o := .Values.objectStorage }}
{{- $endpoint := $o.endpoint }}
{{- if and (not $endpoint) $o.seaweedfs.enabled }}
{{- $endpoint = printf "http://%s-objectstore:8333" (include "motcua.fullname" .) }}
{{- end }}
{{- if $endpoint }}
MOTCUA_S3_ENDPOINT: {{ $endpoint | quote }}
MOTCUA_S3_BUCKET: {{ $o.bucket | quote }}
{{- end }}
{{- with .Values.citizenOidc }}
{{- if .jwksUrl }}
MOTCUA_CITIZEN_OIDC_JWKS_URL: {{ .jwksUrl | quote }}
MOTCUA_CITIZEN_OIDC_ISSUER: {{ required "citizenOidc.issuer is required with citizenOidc.jwksUrl" .issuer | quote }}
MOTCUA_CITIZEN_OIDC_AUDIENCE: {{ .audience | quote }}
{{- end }}
{{- end }}
{{- end -}}
