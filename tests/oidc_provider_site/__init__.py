"""A small OpenID Connect provider (django-oidc-provider) for the single sign-on tests
and for `make oidc-dev`: a Django site of its own, run in its own process, standing in
for Microsoft Entra ID. It is not part of the register."""
