import { Link, useNavigate } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { api, errorText } from "../api/client";
import { useToast } from "../components/Toasts";
import type { SessionInfo } from "./session";

/** The signed-in user's name and role, the admin page for admins, and signing out. */
export function UserMenu({ session }: { session: SessionInfo }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const signOut = async () => {
    try {
      await api("/session", { method: "DELETE" });
    } catch (e) {
      toast(errorText(e), "error");
      return;
    }
    client.clear();
    navigate("/sign-in", { replace: true });
  };
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="user-name">
        {session.name} <span className="badge">{session.role}</span>
      </span>
      {session.role === "admin" && <Link to="/admin/users">Users and keys</Link>}
      <button className="link" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}
